package io.svite.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class UpdateScheduleTest {

    @Test
    void updatesHappenEveryIntervalStrictlyBetweenStartAndEnd() {
        UpdateSchedule s = UpdateSchedule.builder().every(10).until(35).build();
        List<Long> steps = new ArrayList<>();
        for (long t = 0; t <= 50; t++) {
            if (s.isUpdateStep(t)) {
                steps.add(t);
            }
        }
        assertEquals(List.of(10L, 20L, 30L), steps);

        UpdateSchedule shifted = UpdateSchedule.builder().every(10).from(5).until(35).build();
        assertTrue(shifted.isUpdateStep(15) && shifted.isUpdateStep(25));
        assertFalse(shifted.isUpdateStep(5) || shifted.isUpdateStep(10) || shifted.isUpdateStep(35));
    }

    @Test
    void theEndDefaultsToEightyPercentOfTheTotal() {
        UpdateSchedule s = UpdateSchedule.builder().every(7).totalSteps(1000).build();
        assertEquals(800, s.end());
        assertEquals(1000, s.total());
        assertEquals(0.5, s.initialFraction());
        assertEquals(Decay.cosine(), s.decay());
    }

    @Test
    void thePapersCosineFallsToZeroAtTheEnd() {
        UpdateSchedule s = UpdateSchedule.builder().every(10).until(100).pruneFraction(0.5).build();
        assertEquals(0.5, s.pruneFraction(0), 1e-12);
        assertEquals(0.25 * (1 + Math.cos(Math.PI / 4)), s.pruneFraction(25), 1e-12); // 0.4268
        assertEquals(0.25, s.pruneFraction(50), 1e-12);
        assertEquals(0.0, s.pruneFraction(100), 1e-12);
    }

    @Test
    void theReferenceCosineKeepsAFloorAndSpansTheWholeRun() {
        UpdateSchedule s =
                UpdateSchedule.builder().every(10).totalSteps(125).decay(Decay.cosineWithFloor(0.005)).build();
        assertEquals(100, s.end());
        // q = 100/125: 0.005 + 0.495/2 · (1 + cos(0.8π)) = 0.05227, "about 0.05 at the last update"
        assertEquals(0.005 + 0.2475 * (1 + Math.cos(0.8 * Math.PI)), s.pruneFraction(100), 1e-12);
        assertEquals(0.0523, s.pruneFraction(100), 1e-4);
        assertEquals(0.005, s.pruneFraction(125), 1e-12);
    }

    @Test
    void linearAndConstantDecays() {
        UpdateSchedule linear = UpdateSchedule.builder().every(1).until(100).decay(Decay.linear()).build();
        assertEquals(0.375, linear.pruneFraction(25), 1e-12);
        UpdateSchedule constant =
                UpdateSchedule.builder().every(1).until(100).pruneFraction(0.3).decay(Decay.constant()).build();
        assertEquals(0.3, constant.pruneFraction(99), 1e-12);
    }

    @Test
    void badValuesAreRefusedWithClearMessages() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> UpdateSchedule.builder().every(0));
        assertTrue(e.getMessage().contains(">= 1") && e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UpdateSchedule.builder().every(-5));
        e = assertThrows(
                IllegalArgumentException.class, () -> UpdateSchedule.builder().every(10).from(50).until(40).build());
        assertTrue(e.getMessage().contains("40") && e.getMessage().contains("50"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> UpdateSchedule.builder().every(10).until(400).totalSteps(300).build());
        assertTrue(e.getMessage().contains("400") && e.getMessage().contains("300"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UpdateSchedule.builder().pruneFraction(0));
        assertThrows(IllegalArgumentException.class, () -> UpdateSchedule.builder().pruneFraction(1.5));
        assertThrows(IllegalArgumentException.class, () -> Decay.cosineWithFloor(1));
        IllegalStateException missing =
                assertThrows(IllegalStateException.class, () -> UpdateSchedule.builder().until(10).build());
        assertTrue(missing.getMessage().contains("every"), missing.getMessage());
        missing = assertThrows(IllegalStateException.class, () -> UpdateSchedule.builder().every(10).build());
        assertTrue(missing.getMessage().contains("until") && missing.getMessage().contains("totalSteps"));
    }
}
