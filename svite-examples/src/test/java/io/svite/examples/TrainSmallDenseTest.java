package io.svite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.cost.DepthRule;
import io.svite.models.methods.MethodPlan;
import io.svite.models.methods.SmallDenseMethod;
import io.svite.models.run.TrainResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link TrainSmallDense} for two batches: the run matches the method's plan and leaves a run folder. */
class TrainSmallDenseTest {

    @TempDir Path dir;

    @Test
    void trainsTheShallowerModelOfThePlan() throws Exception {
        TrainResult r = TrainSmallDense.runExample(ExampleRuns.args(dir));
        MethodPlan plan = new SmallDenseMethod(0.5, DepthRule.NEAREST).plan(ExampleRuns.mini());
        assertEquals(3, r.architecture().depth());
        assertEquals(plan.architecture().depth(), r.architecture().depth());
        assertEquals(plan.params(), r.params());
        assertTrue(r.params() < r.denseParams() * 0.55);
        ExampleRuns.assertRunFolder(r, dir);
    }
}
