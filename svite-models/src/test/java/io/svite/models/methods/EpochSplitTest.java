package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EpochSplitTest {

    @Test
    void halfDenseHalfFineTuningByDefault() {
        assertEquals(new EpochSplit(1, 1), EpochSplit.of("omp", 2, 0));
        assertEquals(new EpochSplit(150, 150), EpochSplit.of("omp", 300, 0));
        assertEquals(new EpochSplit(2, 3), EpochSplit.of("omp", 5, 0), "odd: the extra epoch fine-tunes");
        assertEquals(new EpochSplit(4, 1), EpochSplit.of("omp", 5, 4));
    }

    @Test
    void anEmptyPhaseIsRefusedWithTheNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EpochSplit.of("omp", 1, 0));
        assertTrue(e.getMessage().contains("omp trains dense, prunes once, then fine-tunes: it needs --epochs 2 or more, got 1"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EpochSplit.of("omp", 3, 3));
        assertTrue(e.getMessage().contains("--dense-epochs 3 leaves no fine-tuning epoch of --epochs 3; use at most 2"),
                e.getMessage());
    }
}
