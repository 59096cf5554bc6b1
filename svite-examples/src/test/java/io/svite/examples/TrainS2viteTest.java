package io.svite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.svite.models.deit.BlockShape;
import io.svite.models.methods.S2viteMethod;
import io.svite.models.methods.S2viteRecipe;
import io.svite.models.run.TrainResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link TrainS2vite} for two batches: the run matches the method's plan and leaves a run folder. */
class TrainS2viteTest {

    @TempDir Path dir;

    @Test
    void endsWithTheCompactedModelOfThePlan() throws Exception {
        TrainResult r = TrainS2vite.runExample(ExampleRuns.args(dir));
        long planned = new S2viteMethod(S2viteRecipe.defaults(0.7, 0.6, 42)).plan(ExampleRuns.mini()).params();
        assertEquals(planned, r.params());
        for (BlockShape b : r.architecture().blocks()) {
            assertEquals(new BlockShape(2, 230), b, "⌊3 · 0.7⌋ heads and ⌊384 · 0.6⌋ neurons");
        }
        ExampleRuns.assertRunFolder(r, dir);
    }
}
