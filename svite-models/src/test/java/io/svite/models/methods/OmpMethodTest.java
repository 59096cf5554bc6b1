package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.distribution.PruningScope;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

class OmpMethodTest {

    @TempDir Path dir;

    /** OMP as {@code --method omp --sparsity S --epochs 2} makes it: global scope, one dense and one fine-tuning epoch. */
    private static OmpMethod omp(double sparsity) {
        return new OmpMethod(sparsity, PruningScope.global(), EpochSplit.of("omp", 2, 0));
    }

    @Test
    void trainsDensePrunesOnceGloballyFineTunesAndReportsThePlannedParameters() throws Exception {
        Path out = dir.resolve("omp");
        JsonObject r = MethodRuns.train(omp(0.5), out);
        assertEquals("omp", r.get("method").getAsString());
        JsonArray epochs = r.getAsJsonArray("epochs");
        assertEquals(2, epochs.size());
        assertEquals("dense", epochs.get(0).getAsJsonObject().get("phase").getAsString());
        assertEquals("finetune", epochs.get(1).getAsJsonObject().get("phase").getAsString());

        JsonObject sparsity = r.getAsJsonObject("sparsity");
        assertEquals(sparsity.get("size").getAsLong() / 2, sparsity.get("nonZeros").getAsLong(),
                "one global threshold keeps exactly half of the masked weights");
        assertEquals(1, sparsity.get("updates").getAsLong(), "one event, before the first fine-tuning step");
        assertEquals(2, sparsity.get("step").getAsLong(), "the fine-tuning run's steps");
        double min = 1;
        double max = 0;
        for (JsonElement e : sparsity.getAsJsonArray("layers")) {
            double d = e.getAsJsonObject().get("density").getAsDouble();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertTrue(max - min > 0.05, "a global threshold leaves the layers at different densities: " + min + ".." + max);

        JsonObject plan = MethodRuns.plan(omp(0.5));
        assertEquals("uniform-estimate", plan.get("densities").getAsString());
        assertEquals(plan.get("params").getAsLong(), r.get("params").getAsLong(), "parameters are exact in the plan");
        double macs = r.get("macs").getAsDouble();
        assertTrue(macs >= plan.get("macsMin").getAsDouble() && macs <= plan.get("macsMax").getAsDouble(),
                macs + " outside the plan's bounds " + plan);
        assertEquals(plan.get("denseMacs").getAsDouble(), r.get("denseMacs").getAsDouble(), 1e-6);

        assertTrue(Files.size(out.resolve("omp.masks")) > 0);
        JsonObject recipe = JsonParser.parseString(Files.readString(out.resolve("recipe.json"))).getAsJsonObject();
        assertEquals("omp", recipe.get("method").getAsString());
        JsonObject settings = r.getAsJsonObject("methodSettings");
        assertEquals(1, settings.get("denseEpochs").getAsInt());
        assertEquals(1, settings.get("finetuneEpochs").getAsInt());
        assertEquals("global", settings.get("scope").getAsString());
    }
}
