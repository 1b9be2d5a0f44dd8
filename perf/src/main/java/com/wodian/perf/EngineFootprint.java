package com.wodian.perf;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bytes of the arrays an object graph holds, by the path of fields that first reaches each array (e.g.
 * {@code books.vouchers.rows}): what a fresh engine allocates per table (issue 14 item 6, "heap proportional to what is
 * stored"). Walks the product's own classes by reflection; JDK objects other than arrays are not entered (the engine
 * holds none of size). Array sizes are counted as the JVM lays them out (16-byte header, element bytes, 8-byte align).
 */
public final class EngineFootprint
{
    private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    private final Map<String, Long> bytesByPath = new TreeMap<>();

    private EngineFootprint()
    {
    }

    /**
     * Array bytes under {@code root}, by field path, paths under {@code depth} fields deep merged into their prefix.
     */
    public static Map<String, Long> arraysByPath(final Object root, final int depth)
    {
        final EngineFootprint footprint = new EngineFootprint();
        footprint.walk(root, "", 0, depth);
        return footprint.bytesByPath;
    }

    private void walk(final Object object, final String path, final int level, final int depth)
    {
        if (object == null || seen.put(object, Boolean.TRUE) != null)
        {
            return;
        }
        final Class<?> type = object.getClass();
        if (type.isArray())
        {
            final int length = Array.getLength(object);
            final Class<?> component = type.getComponentType();
            final long elementBytes = component == long.class || component == double.class ? 8 :
                component == int.class || component == float.class ? 4 : component == short.class ||
                component == char.class ? 2 : component == byte.class || component == boolean.class ? 1 : 4;
            bytesByPath.merge(path, (16 + elementBytes * length + 7) & ~7L, Long::sum);
            if (!component.isPrimitive())
            {
                for (int i = 0; i < length; i++)
                {
                    walk(Array.get(object, i), path, level, depth);
                }
            }
            return;
        }
        if (type.getName().startsWith("java.") || type.getName().startsWith("jdk.") ||
            type.getName().startsWith("sun."))
        {
            return;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass())
        {
            for (final Field field : c.getDeclaredFields())
            {
                if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive())
                {
                    continue;
                }
                try
                {
                    field.setAccessible(true);
                    walk(field.get(object), level < depth ? (path.isEmpty() ? "" : path + ".") + field.getName() :
                        path, level + 1, depth);
                }
                catch (final RuntimeException | IllegalAccessException ex)
                {
                    // A field we may not read (a JDK internal): not an engine table.
                }
            }
        }
    }
}
