package io.svite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.distribution.PruningScope;
import io.svite.core.training.EpochMetrics;
import io.svite.models.methods.EpochSplit;
import io.svite.models.methods.OmpMethod;
import io.svite.models.methods.PruningPlan;
import io.svite.models.run.TrainResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** {@link TrainOmp} for two batches: the run matches the method's plan and leaves a run folder. */
class TrainOmpTest {

    @TempDir Path dir;

    @Test
    void prunesHalfOfTheWeightsWithinThePlannedBounds() throws Exception {
        TrainResult r = TrainOmp.runExample(ExampleRuns.args(dir));
        PruningPlan plan = (PruningPlan) new OmpMethod(0.5, PruningScope.global(), EpochSplit.of("omp", 2, 0))
                .plan(ExampleRuns.mini());
        assertEquals(plan.params(), r.params(), "a global threshold fixes the non-zero count exactly");
        assertTrue(r.macs() >= plan.global().minMacs() && r.macs() <= plan.global().maxMacs(), r.macs() + " MACs");
        assertEquals(List.of("dense", "finetune"), r.epochs().stream().map(EpochMetrics::phase).toList());
        ExampleRuns.assertRunFolder(r, dir);
    }
}
