package com.wodian.engine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The record's field map ({@link RecordFields}): every namespace's holder names fields that never share a slot or a
 * bit of the row with each other, the key or the header, and no other main class declares a field of a record (an
 * alias of a slot, as RefundSplit and FundsRules once did) or names a slot without its namespace.
 */
class RecordFieldMapTest
{
    private static final Path ENGINE_SOURCES = Path.of("src", "main", "java", "com", "wodian", "engine");

    @Test
    void noTwoFieldsOfANamespaceShareASlot()
    {
        for (final Class<?> holder : holders())
        {
            final Map<Integer, String> bySlot = new HashMap<>();
            fieldsOf(holder).forEach((name, slot) ->
            {
                final String before = bySlot.put(slot, name);
                assertNull(before, holder.getSimpleName() + "." + name + " and ." + before + " share slot " + slot);
            });
        }
    }

    @Test
    void everyFieldOfANamespaceKeepsItsOwnValueInTheRow()
    {
        for (final Class<?> holder : holders())
        {
            final int namespace = namespaceOf(holder);
            final RecordTable records = new RecordTable(4, 0, false);
            final int record = records.insert(namespace, 77, 88, 1);
            final Map<String, Integer> fields = fieldsOf(holder);
            long value = 1_000;
            for (final int slot : fields.values())
            {
                records.set(record, slot, value++);
            }
            value = 1_000;
            for (final Map.Entry<String, Integer> field : fields.entrySet())
            {
                assertEquals(value++, records.get(record, field.getValue()),
                    holder.getSimpleName() + "." + field.getKey() + " was overwritten by another field of its record");
            }
            assertEquals(namespace, records.namespace(record), holder.getSimpleName() + ": a field wrote the header");
            assertEquals(0, records.state(record), holder.getSimpleName() + ": a field wrote the header's state");
            assertEquals(0, records.kind(record), holder.getSimpleName() + ": a field wrote the header's kind");
            assertEquals(-1, records.get(record, RecordFields.FINISHED_AT_MS),
                holder.getSimpleName() + ": a field wrote the finish time");
            if (!fields.containsValue(RecordFields.KEY_OWNER_ID))
            {
                assertEquals(77, records.get(record, RecordFields.KEY_OWNER_ID), holder.getSimpleName() + ": key");
            }
            if (!fields.containsValue(RecordFields.KEY_REQUEST_ID))
            {
                assertEquals(88, records.get(record, RecordFields.KEY_REQUEST_ID), holder.getSimpleName() + ": key");
            }
        }
    }

    @Test
    void namespacesAreDistinctAndEachNamesItsKey()
    {
        final Map<Integer, String> byNamespace = new HashMap<>();
        for (final Class<?> holder : holders())
        {
            final String before = byNamespace.put(namespaceOf(holder), holder.getSimpleName());
            assertNull(before, holder.getSimpleName() + " and " + before + " share a namespace");
            assertTrue(fieldsOf(holder).containsValue(RecordFields.KEY_REQUEST_ID),
                holder.getSimpleName() + " names its key's request id");
        }
        assertEquals(7, byNamespace.size(),
            "payment, refund, top-up, withdrawal, redemption, adjustment, distribution");
    }

    @Test
    void noOtherClassDeclaresOrNamesASlot() throws IOException
    {
        // A constant initialised from a slot or a field is an alias declared outside the map (the row's stride and pad
        // are layout, not fields); a slot named without its namespace's holder (RecordFields.KEY_OWNER_ID, .META, ...)
        // is the record table's own business (RecordTable and its load checks).
        final Pattern alias = Pattern.compile(
            "static\\s+final\\s+(int|long)\\s+\\w+\\s*=\\s*(RecordFields|RecordTable)\\.(?!STRIDE\\b|PAD\\b)\\w+");
        final Pattern bareSlot = Pattern.compile(
            "RecordFields\\.(?!Payment\\b|Refund\\b|TopUp\\b|Withdrawal\\b|Redemption\\b|Adjustment\\b|Distribution\\b)"
                + "(\\w+)");
        final List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(ENGINE_SOURCES))
        {
            for (final Path file : files.filter((f) -> f.toString().endsWith(".java")).sorted().toList())
            {
                final String name = file.getFileName().toString();
                if (name.equals("RecordFields.java"))
                {
                    continue;
                }
                final String text = Files.readString(file);
                final Matcher aliases = alias.matcher(text);
                while (aliases.find())
                {
                    found.add(name + ": " + aliases.group());
                }
                final Matcher slots = bareSlot.matcher(text);
                while (!name.startsWith("RecordTable") && slots.find())
                {
                    found.add(name + ": " + slots.group());
                }
            }
        }
        assertTrue(Files.isRegularFile(ENGINE_SOURCES.resolve("RecordTable.java")), "engine sources found");
        assertEquals(List.of(), found, "record fields declared or named outside RecordFields' holders");
    }

    private static List<Class<?>> holders()
    {
        final List<Class<?>> holders = new ArrayList<>();
        for (final Class<?> nested : RecordFields.class.getDeclaredClasses())
        {
            holders.add(nested);
        }
        holders.sort((a, b) -> Integer.compare(namespaceOf(a), namespaceOf(b)));
        assertEquals(7, holders.size(), "one holder per namespace");
        return holders;
    }

    private static int namespaceOf(final Class<?> holder)
    {
        try
        {
            final Field namespace = holder.getDeclaredField("NAMESPACE");
            namespace.setAccessible(true);
            return namespace.getInt(null);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new AssertionError(holder.getSimpleName() + " declares no NAMESPACE", e);
        }
    }

    /** The holder's fields (name to slot), in declaration order, its NAMESPACE left out. */
    private static Map<String, Integer> fieldsOf(final Class<?> holder)
    {
        final Map<String, Integer> fields = new LinkedHashMap<>();
        for (final Field field : holder.getDeclaredFields())
        {
            final int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) && field.getType() == int.class && !field.getName().equals("NAMESPACE"))
            {
                try
                {
                    field.setAccessible(true);
                    fields.put(field.getName(), field.getInt(null));
                }
                catch (final IllegalAccessException e)
                {
                    throw new AssertionError(e);
                }
            }
        }
        assertFalse(fields.isEmpty(), holder.getSimpleName() + " declares its fields");
        return fields;
    }
}
