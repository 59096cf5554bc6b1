package io.svite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.svite.core.structured.UnitBudget;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTUnits;
import io.svite.models.methods.EpochSplit;
import io.svite.models.methods.SspMethod;
import io.svite.models.run.TrainResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** {@link TrainSsp} for two batches: the run matches the method's plan and leaves a run folder. */
class TrainSspTest {

    @TempDir Path dir;

    @Test
    void fineTunesTheCompactedModelOfThePlan() throws Exception {
        TrainResult r = TrainSsp.runExample(ExampleRuns.args(dir));
        UnitBudget budget = UnitBudget.fractions(Map.of(DeiTUnits.HEADS, 2.0 / 3, DeiTUnits.NEURONS, 0.5));
        long planned = new SspMethod(budget, SspMethod.Salience.TAYLOR, EpochSplit.of("ssp", 2, 0), 20)
                .plan(ExampleRuns.mini()).params();
        assertEquals(planned, r.params());
        for (BlockShape b : r.architecture().blocks()) {
            assertEquals(new BlockShape(2, 192), b);
        }
        ExampleRuns.assertRunFolder(r, dir);
    }
}
