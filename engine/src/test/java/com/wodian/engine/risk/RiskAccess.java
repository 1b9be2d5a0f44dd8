package com.wodian.engine.risk;

import com.wodian.engine.Engine;

/**
 * Tests of this package look into an engine's risk profiles (rows, model state) through its private field: the engine
 * offers no accessor for them in main code.
 */
final class RiskAccess
{
    private RiskAccess()
    {
    }

    static RiskControl of(final Engine engine)
    {
        try
        {
            final java.lang.reflect.Field field = Engine.class.getDeclaredField("risk");
            field.setAccessible(true);
            return (RiskControl)field.get(engine);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new IllegalStateException("Engine has no field 'risk' of type RiskControl", e);
        }
    }
}
