package io.svite.models.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.List;

/** Mean and sample standard deviation over seeds, and their text. */
class SeedStatsTest {

    @Test
    void theSpreadIsTheSampleStandardDeviation() {
        SeedStats s = SeedStats.of(List.of(0.80, 0.82, 0.84));
        assertEquals(0.82, s.mean(), 1e-12);
        assertEquals(0.02, s.std(), 1e-12); // sqrt((0.0004 + 0 + 0.0004) / 2)
        assertEquals("82.00 ± 2.00 %", s.percent());
    }

    @Test
    void oneSeedHasNoSpreadAndSaysSo() {
        SeedStats s = SeedStats.of(List.of(0.5));
        assertEquals(0, s.std());
        assertEquals("50.00 %", s.percent());
        assertThrows(IllegalArgumentException.class, () -> SeedStats.of(List.of()));
    }

    @Test
    void seedsCountUpFromTheFirst() {
        assertEquals(List.of(7L, 8L, 9L), SeedSweep.seeds(7, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeedSweep.seeds(7, 0));
        assertEquals("--seeds must be >= 1, got 0", e.getMessage());
    }
}
