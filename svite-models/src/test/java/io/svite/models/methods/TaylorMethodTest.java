package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.distribution.PruningScope;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;


class TaylorMethodTest {

    /** Gradual Taylor pruning as {@code --method tp --sparsity S} makes it. */
    private static TaylorMethod gradual(double sparsity) {
        return TaylorMethod.gradual(sparsity, PruningScope.global(), GradualPruning.defaults(), 0);
    }

    @Test
    void gradualTaylorPruningReachesTheTargetGloballyWithinThePlannedBounds() {
        JsonObject r = MethodRuns.train(gradual(0.6));
        JsonObject sparsity = r.getAsJsonObject("sparsity");
        assertEquals(Math.round(0.4 * sparsity.get("size").getAsLong()), sparsity.get("nonZeros").getAsLong());
        // 4 steps: the 20 cubic events round onto steps 1 and 2 and merge
        int events = GradualPruning.defaults().schedule(4, 0.6).events().size();
        assertEquals(2, events);
        assertEquals(events, sparsity.get("updates").getAsLong());
        JsonObject plan = MethodRuns.plan(gradual(0.6));
        assertEquals(plan.get("params").getAsLong(), r.get("params").getAsLong());
        double macs = r.get("macs").getAsDouble();
        assertTrue(macs >= plan.get("macsMin").getAsDouble() && macs <= plan.get("macsMax").getAsDouble(), plan.toString());
        assertEquals("gradual", r.getAsJsonObject("methodSettings").get("mode").getAsString());
    }

    @Test
    void oneShotTaylorPruningHandsItsMasksToTheFineTuningPhase() {
        // --tp-mode one-shot --sparsity 0.5 --tp-window 2 over 2 epochs
        TaylorMethod oneShot =
                TaylorMethod.oneShot(0.5, PruningScope.global(), EpochSplit.of("tp --tp-mode one-shot", 2, 0), 2);
        JsonObject r = MethodRuns.train(oneShot);
        JsonArray epochs = r.getAsJsonArray("epochs");
        assertEquals("dense", epochs.get(0).getAsJsonObject().get("phase").getAsString());
        assertEquals("finetune", epochs.get(1).getAsJsonObject().get("phase").getAsString());
        JsonObject sparsity = r.getAsJsonObject("sparsity");
        assertEquals(sparsity.get("size").getAsLong() / 2, sparsity.get("nonZeros").getAsLong());
        assertEquals(0, sparsity.get("updates").getAsLong(), "the fine-tuning run only keeps the masks");
        assertEquals(0.5, sparsity.getAsJsonArray("layers").asList().stream()
                .mapToDouble(e -> e.getAsJsonObject().get("everActive").getAsDouble()).min().orElse(1), 0.5,
                "ever active = what fine-tuning started from");
        assertEquals(MethodRuns.plan(gradual(0.5)).get("params").getAsLong(), r.get("params").getAsLong());
    }
}
