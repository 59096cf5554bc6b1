package io.svite.models.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TemperatureScheduleTest {

    @Test
    void theDefaultGoesLinearlyFromTenAtTheFirstStepToATenthAtTheLast() {
        TemperatureSchedule s = TemperatureSchedule.DEFAULT;
        assertEquals(10.0, s.at(0, 100), 1e-12);
        assertEquals(10 - 9.9 * 50 / 99.0, s.at(50, 100), 1e-12);
        assertEquals(0.1, s.at(99, 100), 1e-12);
        assertEquals(0.1, s.at(500, 100), 1e-12, "after the last step τ stays at the end");
        assertEquals(5.05, s.at(1, 3), 1e-12);
        assertEquals(10.0, s.at(0, 1), 1e-12, "a single step uses the start");
    }

    @Test
    void aConstantScheduleNeverMoves() {
        TemperatureSchedule s = TemperatureSchedule.constant(0.5);
        for (long t : new long[] {0, 1, 7, 99}) {
            assertEquals(0.5, s.at(t, 100), 0);
        }
    }

    @Test
    void rejectsNegativeStepsAndEmptyRuns() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TemperatureSchedule.DEFAULT.at(-1, 10));
        assertEquals("training step must be >= 0, got -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TemperatureSchedule.DEFAULT.at(0, 0));
        assertEquals("total training steps must be >= 1, got 0", e.getMessage());
    }
}
