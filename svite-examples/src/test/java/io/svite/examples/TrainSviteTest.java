package io.svite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.methods.SviteMethod;
import io.svite.models.methods.SviteRecipe;
import io.svite.models.run.TrainResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link TrainSvite} for two batches: the run matches the method's plan and leaves a run folder. */
class TrainSviteTest {

    @TempDir Path dir;

    @Test
    void halfOfTheWeightsAreZeroAsPlanned() throws Exception {
        TrainResult r = TrainSvite.runExample(ExampleRuns.args(dir));
        long planned = new SviteMethod(SviteRecipe.defaults(0.5, 42)).plan(ExampleRuns.mini()).params();
        assertEquals(planned, r.params(), "the run keeps the planned non-zero parameters");
        assertEquals(0.5, r.sparsity().sparsity(), 1e-3);
        assertTrue(r.sparsity().updates() > 0, "the masks moved");
        ExampleRuns.assertRunFolder(r, dir);
    }
}
