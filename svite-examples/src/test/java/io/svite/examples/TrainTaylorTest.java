package io.svite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.svite.core.distribution.PruningScope;
import io.svite.models.methods.GradualPruning;
import io.svite.models.methods.TaylorMethod;
import io.svite.models.run.TrainResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link TrainTaylor} for two batches: the run matches the method's plan and leaves a run folder. */
class TrainTaylorTest {

    @TempDir Path dir;

    @Test
    void prunesToTheTargetWithThePlannedParameters() throws Exception {
        TrainResult r = TrainTaylor.runExample(ExampleRuns.args(dir));
        long planned = TaylorMethod.gradual(0.5, PruningScope.global(), GradualPruning.defaults(), 0)
                .plan(ExampleRuns.mini()).params();
        assertEquals(planned, r.params());
        assertEquals(0.5, r.sparsity().sparsity(), 1e-3);
        ExampleRuns.assertRunFolder(r, dir);
    }
}
