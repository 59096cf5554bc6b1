package io.svite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.methods.SviteMethod;
import io.svite.models.methods.SviteRecipe;
import io.svite.models.run.TrainResult;
import io.svite.models.tokens.TokenSelection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link TrainSvitePlus} for two batches: the run matches the method's plan and leaves a run folder. */
class TrainSvitePlusTest {

    @TempDir Path dir;

    @Test
    void keepsSeventyPercentOfThePatchesAndThePlannedWeights() throws Exception {
        TrainResult r = TrainSvitePlus.runExample(ExampleRuns.args(dir));
        TokenSelection tokens = TokenSelection.ratio(0.7);
        assertEquals(tokens.keptPatches(49), r.cost().keptPatches());
        assertTrue(r.cost().keptPatches() < r.cost().patches());
        long planned = new SviteMethod(SviteRecipe.defaults(0.5, 42))
                .plan(ExampleRuns.mini().withTokenSelection(tokens)).params();
        assertEquals(planned, r.params());
        assertEquals(0.5, r.sparsity().sparsity(), 1e-3);
        ExampleRuns.assertRunFolder(r, dir);
    }
}
