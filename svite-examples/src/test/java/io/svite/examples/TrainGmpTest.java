package io.svite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.svite.core.distribution.PruningScope;
import io.svite.models.methods.GmpMethod;
import io.svite.models.methods.GradualPruning;
import io.svite.models.methods.MethodPlan;
import io.svite.models.run.TrainResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link TrainGmp} for two batches: the run matches the method's plan and leaves a run folder. */
class TrainGmpTest {

    @TempDir Path dir;

    @Test
    void prunesEveryLayerToThePlannedDensity() throws Exception {
        TrainResult r = TrainGmp.runExample(ExampleRuns.args(dir));
        MethodPlan plan = new GmpMethod(0.5, PruningScope.uniform(), GradualPruning.defaults()).plan(ExampleRuns.mini());
        assertEquals(plan.params(), r.params());
        assertEquals(plan.macs(), r.macs(), 1e-3);
        assertEquals(0.5, r.sparsity().sparsity(), 1e-3);
        ExampleRuns.assertRunFolder(r, dir);
    }
}
