package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.SparseTrainer;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.schedule.Decay;
import io.svite.core.structured.UnitBudget;
import io.svite.core.structured.UnitCriterion;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.deit.DeiTUnits;
import io.svite.models.io.DeiTFiles;

import ai.djl.Device;
import ai.djl.Model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/**
 * S2ViTE through the library (the command line's options and its {@code svite compact} of the run
 * folder are tested in {@code io.svite.examples.cli}).
 */
class S2viteMethodTest {

    @TempDir Path dir;

    /** {@code --epochs 1 --max-batches 6 --batch-size 16 --update-every 2} on synthetic data, as JSON. */
    static JsonObject train(Path out, UnitBudget budget, SviteRecipe svite) {
        S2viteRecipe recipe = new S2viteRecipe(budget, 2, 0, 0.5, Decay.cosine(), UnitCriterion.weightL1(),
                SparseTrainer.DEFAULT_SCORE_WINDOW, true, false, 42, svite);
        return MethodRuns.train(new S2viteMethod(recipe), MethodRuns.recipe(1, 6, 16, out));
    }

    @Test
    void theOutcomeIsTheCompactedModelWithTheGatedModelsAccuracyAndTheRunFolderHoldsBoth() throws Exception {
        Path out = dir.resolve("run");
        JsonObject report = train(out, UnitBudget.fractions(Map.of(DeiTUnits.HEADS, 0.7, DeiTUnits.NEURONS, 0.6)), null);
        assertEquals("s2vite", report.get("method").getAsString());
        JsonObject settings = report.getAsJsonObject("methodSettings");
        // the final evaluation ran on the compacted model and equals the gated model's
        assertEquals(settings.get("gatedTestAccuracy").getAsDouble(), report.get("testAccuracy").getAsDouble(), 0);

        DeiTConfig compacted = DeiTConfig.mini().withBlocks(Collections.nCopies(6, new BlockShape(2, 230)));
        JsonArray blocks = report.getAsJsonObject("architecture").getAsJsonArray("blocks");
        for (JsonElement b : blocks) {
            assertEquals(2, b.getAsJsonObject().get("heads").getAsInt(), "⌊3 · 0.7⌋ heads");
            assertEquals(230, b.getAsJsonObject().get("hidden").getAsInt(), "⌊384 · 0.6⌋ neurons");
        }
        long params = report.get("params").getAsLong();
        assertEquals(CostModel.of(compacted).dense().params(), params);
        assertEquals(MethodRuns.plan(new S2viteMethod(S2viteRecipe.defaults(0.7, 0.6, 42))).get("params").getAsLong(),
                params, "the plan costs the compacted model");
        assertEquals(678_730L, report.get("denseParams").getAsLong());
        assertEquals(1 - CostModel.of(compacted).dense().macs() / report.get("denseMacs").getAsDouble(),
                report.get("macsSaving").getAsDouble(), 1e-12);
        JsonObject units = settings.getAsJsonObject("units");
        assertEquals(2, units.getAsJsonArray("families").size());
        assertEquals(1, units.get("updates").getAsLong(), "step 2 only: updates end before step ⌊0.8 · 6⌋ = 4");

        // model/ is the smaller compacted model; gated/ the trained gated one; the unit map names the survivors
        try (Model small = DeiTFiles.load(out.resolve("model"), Device.cpu());
                Model gated = DeiTFiles.load(out.resolve(S2viteMethod.GATED), Device.cpu())) {
            assertEquals(compacted.withClasses(10), ((DeiT) small.getBlock()).config().withDropPath(0));
            assertTrue(((DeiT) gated.getBlock()).config().isDense());
        }
        assertTrue(Files.size(out.resolve("model").resolve("deit-0000.params"))
                < 0.75 * Files.size(out.resolve(S2viteMethod.GATED).resolve("deit-0000.params")));
        JsonObject map = JsonParser.parseString(Files.readString(out.resolve(S2viteMethod.UNITS))).getAsJsonObject();
        JsonArray groups = map.getAsJsonArray("groups");
        assertEquals(12, groups.size());
        for (JsonElement g : groups) {
            JsonObject o = g.getAsJsonObject();
            assertEquals(o.get("active").getAsInt(), o.getAsJsonArray("activeUnits").size());
        }
        assertTrue(Files.readString(out.resolve("report.txt")).contains("heads 2,2,2,2,2,2 of 3"));
    }

    @Test
    void withSparsityTheCompactedWeightsAreAlsoSparseAndTheMasksAreSaved() throws Exception {
        Path out = dir.resolve("both");
        JsonObject report = train(out, UnitBudget.uniform(0.4),
                new SviteRecipe(SparsityDistribution.erdosRenyiKernel(0.5), 2, 0, 0.5, Decay.cosine(), 42));
        assertEquals(report.getAsJsonObject("methodSettings").get("gatedTestAccuracy").getAsDouble(),
                report.get("testAccuracy").getAsDouble(), 0);
        assertEquals(0.5, report.getAsJsonObject("sparsity").get("sparsity").getAsDouble(), 1e-3,
                "SViTE's report is of the gated tensors");
        DeiTConfig compacted = DeiTConfig.mini().withBlocks(Collections.nCopies(6, new BlockShape(1, 230)));
        long structural = CostModel.of(compacted).dense().params();
        long params = report.get("params").getAsLong();
        assertTrue(params < structural - 100_000, params + " vs " + structural + ": the masks thin the compacted weights");
        assertTrue(Files.size(out.resolve("svite.masks")) > 0);
    }
}
