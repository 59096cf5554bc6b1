package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.schedule.PruningEvent;
import io.svite.core.schedule.PruningSchedule;

import org.junit.jupiter.api.Test;

import java.util.List;

class GradualPruningTest {

    @Test
    void thePapersDefaultsRunFromASixthToHalfOfTheStepsInTwentyEvents() {
        // the 2-epoch deit-mini main job: 938 steps
        PruningSchedule s = GradualPruning.defaults().schedule(938, 0.5);
        List<PruningEvent> events = s.events();
        assertEquals(20, events.size());
        long t0 = Math.round(938 / 6.0);
        assertEquals(156, t0);
        assertEquals(469, events.get(19).step(), "the last event at half of the run");
        assertEquals(0.5, events.get(19).sparsity());
        for (int k = 1; k <= 20; k++) {
            PruningEvent e = events.get(k - 1);
            assertEquals(t0 + Math.round(k * (469 - 156) / 20.0), e.step());
            assertEquals(0.5 - 0.5 * Math.pow(1 - k / 20.0, 3), e.sparsity(), 1e-12);
        }
        // two steps (a smoke run): every event lands on the last possible step
        assertEquals(List.of(new PruningEvent(1, 0.5)), GradualPruning.defaults().schedule(2, 0.5).events());
    }

    @Test
    void badFractionsAreNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new GradualPruning(0.5, 0.4, 20, 0));
        assertTrue(e.getMessage().contains("pruning end must be a fraction of the run in (start 0.5, 1], got 0.4"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GradualPruning(-0.1, 0.5, 20, 0));
        assertTrue(e.getMessage().contains("pruning start"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GradualPruning(0.1, 0.5, 0, 0));
        assertTrue(e.getMessage().contains("pruning events must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GradualPruning(0.9, 1.0, 20, 0).schedule(2, 0.5));
        assertTrue(e.getMessage().contains("after the last step"), e.getMessage());
    }
}
