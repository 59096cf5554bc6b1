package io.svite.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

class LinearWidthBenchTest {

    @Test
    void reportsOneRowPerWidthWithThroughputFromTheMedianTime() {
        List<LinearWidthBench.Row> rows = LinearWidthBench.run(50, 16, List.of(8, 7), 1, 3);
        assertEquals(2, rows.size());
        assertEquals(8, rows.get(0).width());
        assertEquals(7, rows.get(1).width());
        for (LinearWidthBench.Row r : rows) {
            assertTrue(r.millis() > 0, r.toString());
            assertEquals(50.0 * 16 * r.width() / r.millis() / 1e6, r.gmacsPerSecond(), 1e-9);
        }
    }

    @Test
    void refusesBadSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinearWidthBench.run(10, 4, List.of(3, 0), 0, 1));
        assertTrue(e.getMessage().contains("widths must be >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LinearWidthBench.run(10, 4, List.of(3), 0, 0));
        assertTrue(e.getMessage().contains("runs 0"), e.getMessage());
    }
}
