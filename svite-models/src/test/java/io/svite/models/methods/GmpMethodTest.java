package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.svite.core.distribution.PruningScope;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

class GmpMethodTest {

    @Test
    void prunesEveryLayerToTheTargetAtTheScheduledEventsAndMatchesThePlanExactly() {
        // 2 epochs × 6 batches = 12 steps: t0 = 2, last event at 6, 4 events at steps 3, 4, 5, 6
        GradualPruning d = GradualPruning.defaults();
        GradualPruning fourEvents = new GradualPruning(d.start(), d.end(), 4, d.initialSparsity());
        JsonObject r = MethodRuns.train(new GmpMethod(0.5, PruningScope.uniform(), fourEvents),
                MethodRuns.recipe(2, 6, 8, null));
        JsonObject sparsity = r.getAsJsonObject("sparsity");
        assertEquals(4, sparsity.get("updates").getAsLong());
        assertEquals(12, sparsity.get("step").getAsLong());
        for (JsonElement e : sparsity.getAsJsonArray("layers")) {
            JsonObject l = e.getAsJsonObject();
            assertEquals(l.get("size").getAsLong() / 2, l.get("nonZeros").getAsLong(), l.get("name").getAsString());
            assertEquals(1.0, l.get("everActive").getAsDouble(), "dense until the first event");
        }
        JsonObject plan = MethodRuns.plan(new GmpMethod(0.5, PruningScope.uniform(), d));
        assertEquals("exact", plan.get("densities").getAsString());
        assertEquals(plan.get("params").getAsLong(), r.get("params").getAsLong());
        assertEquals(plan.get("macs").getAsDouble(), r.get("macs").getAsDouble(), 1e-3);
        assertEquals(plan.get("macsSaving").getAsDouble(), r.get("macsSaving").getAsDouble(), 1e-12);
    }
}
