package io.svite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.svite.models.deit.BlockShape;
import io.svite.models.methods.EpochSplit;
import io.svite.models.methods.VtpMethod;
import io.svite.models.run.TrainResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link TrainVtp} for two batches: the run matches the method's plan and leaves a run folder. */
class TrainVtpTest {

    @TempDir Path dir;

    @Test
    void keepsHalfOfEveryInputAsPlanned() throws Exception {
        TrainResult r = TrainVtp.runExample(ExampleRuns.args(dir));
        long planned = new VtpMethod(VtpMethod.DEFAULT_L1, 0.5, Double.NaN, EpochSplit.ofSearch("vtp", 2, 0))
                .plan(ExampleRuns.mini()).params();
        assertEquals(planned, r.params());
        for (BlockShape b : r.architecture().blocks()) {
            assertEquals(48, b.attnInputs().size(), "half of the 96 dimensions qkv reads");
        }
        ExampleRuns.assertRunFolder(r, dir);
    }
}
