package io.svite.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

class PruningScheduleTest {

    @Test
    void theCubicScheduleHitsZhuAndGuptasFormulaAtEveryEvent() {
        // 600 steps, from 1/6 to 1/2 of training, 20 events: Δt = (300 − 100)/20 = 10
        PruningSchedule s = PruningSchedule.cubic().sparsity(0.5).from(100).until(300).build();
        List<PruningEvent> events = s.events();
        assertEquals(20, events.size(), "20 events by default");
        for (int k = 1; k <= 20; k++) {
            PruningEvent e = events.get(k - 1);
            long t = 100 + 10L * k;
            assertEquals(t, e.step());
            double expected = 0.5 + (0 - 0.5) * Math.pow(1 - (t - 100) / (20.0 * 10), 3);
            assertEquals(expected, e.sparsity(), 1e-12, "event " + k);
        }
        assertEquals(0.5 * (1 - Math.pow(0.95, 3)), events.get(0).sparsity(), 1e-12);
        assertEquals(0.5, events.get(19).sparsity(), 0, "the last event reaches s_f exactly");
        assertEquals(0.5, s.finalSparsity());
        assertEquals(0, s.sparsityAt(109));
        assertEquals(events.get(0).sparsity(), s.sparsityAt(110));
        assertEquals(events.get(0).sparsity(), s.sparsityAt(119));
        assertEquals(0.5, s.sparsityAt(10_000));
        // fast at first, slow at the end
        double first = events.get(0).sparsity();
        double last = events.get(19).sparsity() - events.get(18).sparsity();
        assertTrue(first > 20 * last, first + " vs " + last);
    }

    @Test
    void anInitialSparsityAddsAnEventAtTheStartAndShortRunsMergeEvents() {
        List<PruningEvent> events =
                PruningSchedule.cubic().sparsity(0.8).initialSparsity(0.2).from(10).until(50).events(4).build().events();
        assertEquals(5, events.size());
        assertEquals(new PruningEvent(10, 0.2), events.get(0));
        assertEquals(0.8 + (0.2 - 0.8) * Math.pow(0.75, 3), events.get(1).sparsity(), 1e-12);
        assertEquals(new PruningEvent(50, 0.8), events.get(4));

        // 20 events in 3 steps: merged into the later, sparser ones; the run still ends at s_f
        events = PruningSchedule.cubic().sparsity(0.5).from(0).until(3).build().events();
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(PruningEvent::step).toList());
        assertEquals(0.5, events.get(2).sparsity());
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).sparsity() > events.get(i - 1).sparsity());
        }
        // a schedule starting at 0 never schedules step 0 (that is one-shot pruning of a trained model)
        assertEquals(1, PruningSchedule.cubic().sparsity(0.5).until(1).build().events().get(0).step());
    }

    @Test
    void badSchedulesGetClearMessages() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PruningSchedule.cubic().sparsity(1.0));
        assertTrue(e.getMessage().contains("final sparsity must be in [0, 1), got 1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PruningSchedule.cubic().events(0));
        assertTrue(e.getMessage().contains("events must be >= 1, got 0"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> PruningSchedule.cubic().sparsity(0.5).from(10).until(10).build());
        assertTrue(e.getMessage().contains("end step 10 must be after the start step 10"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> PruningSchedule.cubic().sparsity(0.3).initialSparsity(0.5).until(10).build());
        assertTrue(e.getMessage().contains("initial sparsity must be in [0, final sparsity 0.3], got 0.5"), e.getMessage());
        IllegalStateException s =
                assertThrows(IllegalStateException.class, () -> PruningSchedule.cubic().until(10).build());
        assertTrue(s.getMessage().contains("final sparsity not set"), s.getMessage());
        s = assertThrows(IllegalStateException.class, () -> PruningSchedule.cubic().sparsity(0.5).build());
        assertTrue(s.getMessage().contains("end step not set"), s.getMessage());

        e = assertThrows(
                IllegalArgumentException.class,
                () -> PruningSchedule.of(List.of(new PruningEvent(5, 0.5), new PruningEvent(9, 0.4))));
        assertTrue(e.getMessage().contains("only makes masks sparser"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> PruningSchedule.of(List.of(new PruningEvent(5, 0.1), new PruningEvent(5, 0.4))));
        assertTrue(e.getMessage().contains("increasing steps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PruningSchedule.oneShot(-0.1));
        assertTrue(e.getMessage().contains("sparsity must be in [0, 1), got -0.1"), e.getMessage());
        assertEquals(List.of(), PruningSchedule.none().events());
        assertEquals(List.of(new PruningEvent(0, 0.4)), PruningSchedule.oneShot(0.4).events());
    }
}
