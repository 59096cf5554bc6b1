package io.svite.examples.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.svite.models.cost.CostModel;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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

    /** A synthetic vit-slim run with its own epochs. */
    private static JsonObject train(String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "train", "--method", "vit-slim", "--dataset", "synthetic", "--batch-size", "8", "--json", "--quiet"));
        args.addAll(java.util.List.of(extra));
        return SviteCli.run(args.toArray(new String[0])).json();
    }

    private static JsonObject search(Path out, String l1) {
        return train("--epochs", "3", "--search-epochs", "2", "--max-batches", "8", "--lr", "3e-2",
                "--warmup-epochs", "0", "--l1", l1, "--slim-budget", "0.6", "--out", out.toString());
    }

    @Test
    void theL1PenaltyDrivesTheSoftMasksTowardZero() throws Exception {
        search(dir.resolve("plain"), "0");
        search(dir.resolve("l1"), "0.05");
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
        JsonObject r = train("--epochs", "6", "--search-epochs", "3", "--max-batches", "24", "--lr", "3e-3", "--warmup-epochs", "0",
                "--slim-budget", "0.5", "--slim-measure", "macs", "--out", out.toString());
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

        JsonObject plan = SviteCli.plan("vit-slim", "--slim-budget", "0.5");
        assertEquals(0.5 * dense, plan.get("budgetParams").getAsDouble(), 1e-6);
        assertTrue(plan.get("params").getAsLong() <= 0.5 * dense);
        assertEquals("uniform-estimate", plan.get("densities").getAsString());
        assertEquals(49, plan.get("keptPatches").getAsInt());
        assertTrue(plan.get("patches").getAsString().startsWith("learned"), plan.toString());
        JsonObject noPatches = SviteCli.plan("vit-slim", "--slim-budget", "0.5", "--slim-dims", "heads,neurons");
        assertTrue(!noPatches.has("patches"), noPatches.toString());
    }

    @Test
    void refusesBadValuesAndForeignOptionsInOneLine() {
        SviteCli.Result r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--slim-budget", "1.5");
        assertTrue(r.code() != 0, r.err());
        assertTrue(r.err().contains("--slim-budget must be a fraction in (0, 1], got 1.5"), r.err());
        r = SviteCli.run("train", "--method", "omp", "--dataset", "synthetic", "--slim-budget", "0.5");
        assertTrue(r.err().contains("--slim-budget applies to --method vit-slim, not --method omp"), r.err());
        r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--l1", "-1");
        assertTrue(r.err().contains("--l1 must be a finite value >= 0, got -1.0"), r.err());
        r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--epochs", "2", "--search-epochs", "2");
        assertTrue(r.err().contains("--search-epochs 2 leaves no fine-tuning epoch of --epochs 2; use at most 1"), r.err());
        r = SviteCli.run("plan", "--method", "vit-slim", "--slim-budget", "0.01");
        assertTrue(r.err().contains("--slim-budget 0.01 is below the smallest model ViT-Slim can keep"), r.err());
        r = SviteCli.run("plan", "--method", "vit-slim", "--slim-measure", "flops");
        assertTrue(r.err().contains("unknown --slim-measure 'flops'; use params or macs"), r.err());
        r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--sparsity", "0.5");
        assertTrue(r.code() != 0 && r.err().contains("--sparsity"), r.err());
        r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--slim-dims", "heads,patches");
        assertTrue(r.err().contains("unknown --slim-dims 'heads,patches'; use heads,neurons,patches or heads,neurons"), r.err());
        r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--epochs", "2", "--tokens", "20");
        assertTrue(r.code() != 0 && r.err().contains("cannot be combined with a learned token selection (--tokens)"), r.err());
        r = SviteCli.run("train", "--method", "vtp", "--dataset", "synthetic", "--slim-dims", "heads,neurons");
        assertTrue(r.err().contains("--slim-dims applies to --method vit-slim, not --method vtp"), r.err());
    }
}
