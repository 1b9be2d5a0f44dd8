package com.wodian.net.iso8583;

/**
 * DE7, the transmission date and time (MMDDhhmmss, UTC), as an instant: the year is not on the wire, so it is the
 * one of the receive year, the year before and the year after that puts DE7 nearest to the receive time
 * (docs/iso8583.md, "Freshness"). Pure arithmetic (no java.time objects): it runs for every request on the receiving
 * thread, which allocates nothing.
 */
final class TransmissionTime
{
    /** Returned for a DE7 that is no real date and time in any of the three years. */
    static final long NOT_A_TIME = Long.MIN_VALUE;

    private static final long MS_PER_SECOND = 1_000;
    private static final long MS_PER_DAY = 86_400_000L;

    private TransmissionTime()
    {
    }

    /**
     * @param transmissionTime DE7 as a number: MMDDhhmmss.
     * @param receivedAtMs     when the gateway took the request off the socket (epoch ms, the gateway's clock).
     * @return the instant DE7 names (epoch ms) in the year nearest to {@code receivedAtMs}, or {@link #NOT_A_TIME}
     * when the month, day, hour, minute or second is out of range (29 February counts only in a leap year).
     */
    static long epochMs(final long transmissionTime, final long receivedAtMs)
    {
        if (transmissionTime < 0 || transmissionTime > 12_31_23_59_59L)
        {
            return NOT_A_TIME;
        }
        final int month = (int)(transmissionTime / 100_000_000L);
        final int day = (int)(transmissionTime / 1_000_000L % 100);
        final int hour = (int)(transmissionTime / 10_000L % 100);
        final int minute = (int)(transmissionTime / 100L % 100);
        final int second = (int)(transmissionTime % 100);
        if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
        {
            return NOT_A_TIME;
        }
        final long secondOfDayMs = ((hour * 60L + minute) * 60L + second) * MS_PER_SECOND;
        final long receivedYear = yearOf(Math.floorDiv(receivedAtMs, MS_PER_DAY));
        long nearestMs = NOT_A_TIME;
        for (long year = receivedYear - 1; year <= receivedYear + 1; year++)
        {
            if (day > daysInMonth(year, month))
            {
                continue;
            }
            final long candidateMs = daysFromCivil(year, month, day) * MS_PER_DAY + secondOfDayMs;
            if (NOT_A_TIME == nearestMs || Math.abs(candidateMs - receivedAtMs) < Math.abs(nearestMs - receivedAtMs))
            {
                nearestMs = candidateMs;
            }
        }
        return nearestMs;
    }

    /** DE7 (MMDDhhmmss, UTC) of an instant: what a terminal sends (the load client, tests). */
    static long of(final long epochMs)
    {
        final long epochDay = Math.floorDiv(epochMs, MS_PER_DAY);
        final long secondOfDay = Math.floorMod(epochMs, MS_PER_DAY) / MS_PER_SECOND;
        final long year = yearOf(epochDay);
        int month = 12;
        while (daysFromCivil(year, month, 1) > epochDay)
        {
            month--;
        }
        final long day = epochDay - daysFromCivil(year, month, 1) + 1;
        return (((month * 100L + day) * 100 + secondOfDay / 3_600) * 100 + secondOfDay / 60 % 60) * 100 +
            secondOfDay % 60;
    }

    static int daysInMonth(final long year, final int month)
    {
        switch (month)
        {
            case 2:
                return isLeapYear(year) ? 29 : 28;
            case 4, 6, 9, 11:
                return 30;
            default:
                return 31;
        }
    }

    private static boolean isLeapYear(final long year)
    {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long daysFromCivil(final long year, final int month, final int day)
    {
        final long y = month <= 2 ? year - 1 : year;
        final long era = Math.floorDiv(y, 400);
        final long yearOfEra = y - era * 400;
        final long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        final long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    /** The year of a day counted from 1970-01-01 (H. Hinnant's civil_from_days, year only). */
    static long yearOf(final long epochDay)
    {
        final long z = epochDay + 719_468;
        final long era = Math.floorDiv(z, 146_097);
        final long dayOfEra = z - era * 146_097;
        final long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long monthIndex = (5 * dayOfYear + 2) / 153;
        final long month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
        return yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    }
}
