package com.wodian.net.iso8583;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** DE7 to an instant and back, against java.time: the nearest year, real dates only. */
class TransmissionTimeTest
{
    private static long ms(final String instant)
    {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void yearIsTheOneNearestTheReceiveTime()
    {
        assertEquals(ms("2026-12-03T10:15:30Z"), TransmissionTime.epochMs(1203101530L, ms("2026-12-03T10:20:00Z")));
        assertEquals(ms("2027-01-01T00:01:00Z"), TransmissionTime.epochMs(101000100L, ms("2026-12-31T23:59:00Z")));
        assertEquals(ms("2026-12-31T23:59:00Z"), TransmissionTime.epochMs(1231235900L, ms("2027-01-01T00:01:00Z")));
        assertEquals(ms("2025-12-05T06:00:00Z"), TransmissionTime.epochMs(1205060000L, ms("2026-06-04T06:00:00Z")));
    }

    @Test
    void onlyRealDatesAndTimes()
    {
        final long received = ms("2026-12-05T06:00:00Z");
        for (final long notATime : new long[]{ 229101500L, 230101500L, 431000000L, 1301000000L, 1232000000L,
            1203240000L, 1203106000L, 1203100060L, 1000000L, 100000000L, 9_999_999_999L, -1L })
        {
            assertEquals(TransmissionTime.NOT_A_TIME, TransmissionTime.epochMs(notATime, received), "" + notATime);
        }
        // 29 February exists near a leap year.
        assertEquals(ms("2028-02-29T12:00:00Z"), TransmissionTime.epochMs(229120000L, ms("2028-03-01T00:00:00Z")));
    }

    @Test
    void formatsAndReadsBackAnyInstant()
    {
        final Random random = new Random(7);
        for (int i = 0; i < 100_000; i++)
        {
            final long epochMs = (long)(random.nextDouble() * 4_000_000_000_000L) / 1_000 * 1_000;
            final ZonedDateTime time = Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC);
            final long expected = (((time.getMonthValue() * 100L + time.getDayOfMonth()) * 100 + time.getHour()) * 100 +
                time.getMinute()) * 100 + time.getSecond();
            assertEquals(expected, TransmissionTime.of(epochMs), time.toString());
            assertEquals(epochMs, TransmissionTime.epochMs(expected, epochMs + random.nextInt(86_400_000) - 43_200_000),
                time.toString());
        }
    }
}
