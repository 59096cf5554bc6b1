package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.compact.GlobalThreshold.Measure;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** ViT-Slim through the library (its command-line options are tested in {@code io.svite.examples.cli}). */
class VitSlimMethodTest {

    @TempDir Path dir;

    /** The mean |m| over the soft patch masks a run's search ended with. */
    private static double meanAbsPatchMask(Path out) throws Exception {
        JsonObject masks = JsonParser.parseString(Files.readString(out.resolve(VitSlimMethod.MASKS))).getAsJsonObject();
        double sum = 0;
        JsonArray patches = masks.getAsJsonArray("patchMask");
        for (JsonElement v : patches) {
            sum += Math.abs(v.getAsDouble());
        }
        return sum / patches.size();
    }

    /** The mean |m| over every head and neuron mask a run's search ended with. */
    private static double meanAbsMask(Path out) throws Exception {
        JsonObject masks = JsonParser.parseString(Files.readString(out.resolve(VitSlimMethod.MASKS))).getAsJsonObject();
        double sum = 0;
        long n = 0;
        for (JsonElement b : masks.getAsJsonArray("blocks")) {
            for (String key : new String[] {"headMask", "neuronMask"}) {
                for (JsonElement v : b.getAsJsonObject().getAsJsonArray(key)) {
                    sum += Math.abs(v.getAsDouble());
                    n++;
                }
            }
        }
        return sum / n;
    }

    /** {@code --epochs 3 --search-epochs 2 --max-batches 8 --lr 3e-2 --warmup-epochs 0 --l1 λ --slim-budget 0.6}. */
    private static JsonObject search(Path out, double l1) {
        return MethodRuns.train(new VitSlimMethod(l1, 0.6, Measure.PARAMS, EpochSplit.ofSearch("vit-slim", 3, 2)),
                MethodRuns.recipe(3, 8, 8, 3e-2, 0, out));
    }

    /** ViT-Slim as {@code svite plan --method vit-slim} makes it (the epochs do not enter a plan). */
    private static JsonObject plan(double budget, boolean patches) {
        return MethodRuns.plan(new VitSlimMethod(VitSlimMethod.DEFAULT_L1, budget, Measure.PARAMS, new EpochSplit(1, 1), patches));
    }

    @Test
    void theL1PenaltyDrivesTheSoftMasksTowardZero() throws Exception {
        search(dir.resolve("plain"), 0);
        search(dir.resolve("l1"), 0.05);
        double plain = meanAbsMask(dir.resolve("plain"));
        double penalised = meanAbsMask(dir.resolve("l1"));
        assertTrue(Math.abs(plain - 1) < 0.1, "without the penalty the masks stay near their initial 1: " + plain);
        assertTrue(penalised < plain - 0.1, "λ = 0.05 left the masks at " + penalised + " against " + plain + " without it");
        double plainPatches = meanAbsPatchMask(dir.resolve("plain"));
        double penalisedPatches = meanAbsPatchMask(dir.resolve("l1"));
        assertTrue(Math.abs(plainPatches - 1) < 0.1, "without the penalty the patch masks stay near 1: " + plainPatches);
        assertTrue(penalisedPatches < plainPatches - 0.1,
                "λ = 0.05 left the patch masks at " + penalisedPatches + " against " + plainPatches + " without it");
    }

    @Test
    void searchesThresholdsToTheBudgetCompactsFineTunesAndLearns() throws Exception {
        Path out = dir.resolve("slim");
        // --epochs 6 --search-epochs 3 --max-batches 24 --lr 3e-3 --warmup-epochs 0 --slim-budget 0.5 --slim-measure macs
        JsonObject r = MethodRuns.train(
                new VitSlimMethod(VitSlimMethod.DEFAULT_L1, 0.5, Measure.MACS, EpochSplit.ofSearch("vit-slim", 6, 3)),
                MethodRuns.recipe(6, 24, 8, 3e-3, 0, out));
        JsonArray epochs = r.getAsJsonArray("epochs");
        assertEquals(6, epochs.size());
        assertEquals("search", epochs.get(0).getAsJsonObject().get("phase").getAsString());
        assertEquals("finetune", epochs.get(5).getAsJsonObject().get("phase").getAsString());

        double denseMacs = CostModel.of(DeiTConfig.mini()).dense().macs();
        double macs = r.get("macs").getAsDouble();
        assertTrue(macs <= 0.5 * denseMacs, macs + " MACs exceed half of the dense " + denseMacs);
        JsonObject settings = r.getAsJsonObject("methodSettings");
        assertEquals(0.5 * denseMacs, settings.get("target").getAsDouble(), 1e-6);
        assertEquals(macs, settings.get("kept").getAsDouble(), 1e-6, "the report costs the compacted model the threshold chose");

        DeiTConfig saved = DeiTFiles.readConfig(out.resolve("model"));
        assertTrue(saved.blocks().stream().mapToInt(BlockShape::hidden).sum() < 6 * 384, "the saved model is compacted: " + saved.blocks());
        assertTrue(saved.keptPatches() < 49, "the compacted model runs on fewer tokens: " + saved.keptPatches() + " of 49");
        assertEquals(saved.keptPatches(), settings.get("keptPatches").getAsInt());
        assertEquals(CostModel.of(saved).estimate().macs(), macs, 1e-6);

        long dense = CostModel.of(DeiTConfig.mini()).dense().params();
        double last = epochs.get(5).getAsJsonObject().get("testAccuracy").getAsDouble();
        assertTrue(last > 0.2, "10 synthetic classes, chance is 0.1; the slimmed model reached " + last);
        double masked = settings.get("maskedTestAccuracy").getAsDouble();
        assertTrue(masked >= 0 && masked <= 1);

        JsonObject plan = plan(0.5, true);
        assertEquals(0.5 * dense, plan.get("budgetParams").getAsDouble(), 1e-6);
        assertTrue(plan.get("params").getAsLong() <= 0.5 * dense);
        assertEquals("uniform-estimate", plan.get("densities").getAsString());
        assertEquals(49, plan.get("keptPatches").getAsInt());
        assertTrue(plan.get("patches").getAsString().startsWith("learned"), plan.toString());
        JsonObject noPatches = plan(0.5, false);
        assertTrue(!noPatches.has("patches"), noPatches.toString());
    }
}
