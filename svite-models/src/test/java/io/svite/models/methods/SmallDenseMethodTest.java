package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.cost.DepthRule;
import io.svite.models.cost.SmallDense;
import io.svite.models.deit.DeiTConfig;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;


class SmallDenseMethodTest {

    @Test
    void trainsTheShallowerModelOfTheBudgetAndCostsItAgainstTheFullOne() {
        JsonObject r = MethodRuns.train(new SmallDenseMethod(0.5, DepthRule.NEAREST));
        DeiTConfig full = DeiTConfig.mini();
        int depth = SmallDense.depth(full, 0.5, DepthRule.NEAREST);
        assertEquals(3, depth, "deit-mini at 0.5: 345,706 parameters; 3 blocks have 343,210");
        assertEquals(depth, r.getAsJsonObject("architecture").get("depth").getAsInt());
        assertFalse(r.has("sparsity"), "a dense model has no masks");
        assertEquals(full.depth(), r.getAsJsonObject("methodSettings").get("fullDepth").getAsInt());

        JsonObject plan = MethodRuns.plan(new SmallDenseMethod(0.5, DepthRule.NEAREST));
        assertEquals(depth, plan.get("depth").getAsInt());
        assertEquals(plan.get("params").getAsLong(), r.get("params").getAsLong());
        assertEquals(plan.get("macs").getAsDouble(), r.get("macs").getAsDouble(), 1e-3);
        assertEquals(678_730L, r.get("denseParams").getAsLong(), "savings are against the full-depth model");
        assertTrue(r.get("macsSaving").getAsDouble() > 0.45);
    }

    @Test
    void thePlanGivesThePapersDepthsForTinyAndSmall() {
        JsonObject tiny = MethodRuns.plan("deit-tiny", new SmallDenseMethod(0.3, DepthRule.NEAREST));
        assertEquals(8, tiny.get("depth").getAsInt());
        assertEquals(3_937_960L, tiny.get("params").getAsLong());
        JsonObject small = MethodRuns.plan("deit-small", new SmallDenseMethod(0.5, DepthRule.NEAREST));
        assertEquals(6, small.get("depth").getAsInt());
        JsonObject atMost = MethodRuns.plan("deit-small", new SmallDenseMethod(0.5, DepthRule.AT_MOST));
        assertEquals(5, atMost.get("depth").getAsInt());
        assertTrue(atMost.get("params").getAsLong() <= atMost.get("budgetParams").getAsLong());
    }
}
