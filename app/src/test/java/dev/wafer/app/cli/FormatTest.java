package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The CLI's number formats: what a table shows for values a dry run prints. */
class FormatTest {

    @Test
    void compactKeepsFourSignificantFiguresWithoutTrailingZeros() {
        assertEquals("0.08", Format.compact(0.08));
        assertEquals("0.0006", Format.compact(6e-4));
        assertEquals("6e-05", Format.compact(5.9999999999999995E-5)); // 6e-4 / 10 in double
        assertEquals("1e-08", Format.compact(1e-8));
        assertEquals("10", Format.compact(10.0));
        assertEquals("1.235e+05", Format.compact(123_456.0));
        assertEquals("-2.5", Format.compact(-2.5));
    }

    @Test
    void durationsUseTheLargestUnitThatReadsWell() {
        assertEquals("41 s", Format.duration(41.2));
        assertEquals("58.3 min", Format.duration(3495));
        assertEquals("3.0 h", Format.duration(3 * 3600));
        assertEquals("73.1 days", Format.duration(6_317_395));
    }
}
