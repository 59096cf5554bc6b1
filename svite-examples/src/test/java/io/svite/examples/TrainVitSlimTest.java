package io.svite.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.compact.GlobalThreshold.Measure;
import io.svite.models.methods.EpochSplit;
import io.svite.models.methods.ShapePlan;
import io.svite.models.methods.VitSlimMethod;
import io.svite.models.run.TrainResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link TrainVitSlim} for two batches: the run matches the method's plan and leaves a run folder. */
class TrainVitSlimTest {

    @TempDir Path dir;

    @Test
    void staysWithinTheBudgetOfItsPlan() throws Exception {
        TrainResult r = TrainVitSlim.runExample(ExampleRuns.args(dir));
        ShapePlan plan = (ShapePlan) new VitSlimMethod(VitSlimMethod.DEFAULT_L1, 0.5, Measure.PARAMS,
                EpochSplit.ofSearch("vit-slim", 2, 0)).plan(ExampleRuns.mini());
        assertTrue(r.params() <= plan.budget() * plan.denseParams(), r.params() + " parameters exceed the budget");
        assertTrue(r.params() < r.denseParams(), "the compacted model is smaller");
        ExampleRuns.assertRunFolder(r, dir);
    }
}
