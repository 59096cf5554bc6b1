package io.svite.examples.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class VtpMethodTest {

    @TempDir Path dir;

    private static JsonObject train(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "train", "--method", "vtp", "--dataset", "synthetic", "--batch-size", "8", "--json", "--quiet"));
        args.addAll(List.of(extra));
        return SviteCli.run(args.toArray(new String[0])).json();
    }

    /** The mean |u| over every input gate a run's search ended with. */
    private static double meanAbsGate(Path out) throws Exception {
        JsonObject masks = JsonParser.parseString(Files.readString(out.resolve(VtpMethod.MASKS))).getAsJsonObject();
        double sum = 0;
        long n = 0;
        for (JsonElement b : masks.getAsJsonArray("blocks")) {
            for (String key : new String[] {"attnInputGate", "mlpInputGate"}) {
                for (JsonElement v : b.getAsJsonObject().getAsJsonArray(key)) {
                    sum += Math.abs(v.getAsDouble());
                    n++;
                }
            }
        }
        return sum / n;
    }

    private static void search(Path out, String l1) {
        train("--epochs", "3", "--search-epochs", "2", "--max-batches", "8", "--lr", "3e-2", "--warmup-epochs", "0",
                "--l1", l1, "--out", out.toString());
    }

    @Test
    void theL1PenaltyDrivesTheInputGatesTowardZero() throws Exception {
        search(dir.resolve("plain"), "0");
        search(dir.resolve("l1"), "0.05");
        double plain = meanAbsGate(dir.resolve("plain"));
        double penalised = meanAbsGate(dir.resolve("l1"));
        assertTrue(Math.abs(plain - 1) < 0.1, "without the penalty the gates stay near their initial 1: " + plain);
        assertTrue(penalised < plain - 0.1, "λ = 0.05 left the gates at " + penalised + " against " + plain + " without it");
    }

    @Test
    void prunesEachInputToTheRatioCompactsToThePlanFineTunesAndLearns() throws Exception {
        Path out = dir.resolve("vtp");
        JsonObject r = train("--epochs", "6", "--search-epochs", "3", "--max-batches", "24", "--lr", "3e-3", "--warmup-epochs", "0",
                "--vtp-ratio", "0.5", "--out", out.toString());
        JsonArray epochs = r.getAsJsonArray("epochs");
        assertEquals(6, epochs.size());
        assertEquals("search", epochs.get(0).getAsJsonObject().get("phase").getAsString());
        assertEquals("finetune", epochs.get(5).getAsJsonObject().get("phase").getAsString());

        DeiTConfig saved = DeiTFiles.readConfig(out.resolve("model"));
        for (BlockShape b : saved.blocks()) {
            assertEquals(48, b.attnInputs().size(), "half of the 96 dimensions qkv reads are kept");
            assertEquals(48, b.mlpInputs().size());
        }
        JsonObject plan = SviteCli.plan("vtp", "--vtp-ratio", "0.5");
        assertEquals("exact", plan.get("densities").getAsString());
        assertEquals(plan.get("params").getAsLong(), r.get("params").getAsLong(), "the plan's parameters are the run's");
        assertEquals(plan.get("macs").getAsDouble(), r.get("macs").getAsDouble(), 1e-6);
        assertTrue(plan.get("params").getAsLong() < plan.get("denseParams").getAsLong());

        double last = epochs.get(5).getAsJsonObject().get("testAccuracy").getAsDouble();
        assertTrue(last > 0.2, "10 synthetic classes, chance is 0.1; the pruned model reached " + last);
    }

    @Test
    void prunesByRatioOrThresholdKeepingTheLargestGates() {
        float[] u = {0.5f, -0.9f, 0.1f, 0.0f, 0.3f, 0.95f};
        assertArrayEquals(new float[] {0.5f, -0.9f, 0, 0, 0, 0.95f}, VtpMethod.prune(u, 0.5, Double.NaN));
        assertArrayEquals(new float[] {0.5f, -0.9f, 0, 0, 0.3f, 0.95f}, VtpMethod.prune(u, Double.NaN, 0.2));
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0.95f}, VtpMethod.prune(u, Double.NaN, 5), "the largest is kept");
    }

    @Test
    void refusesBadValuesAndForeignOptionsInOneLine() {
        SviteCli.Result r = SviteCli.run("train", "--method", "vtp", "--dataset", "synthetic", "--vtp-ratio", "1");
        assertTrue(r.code() != 0 && r.err().contains("--vtp-ratio must be in [0, 1), got 1.0"), r.err());
        r = SviteCli.run("train", "--method", "vtp", "--dataset", "synthetic", "--vtp-ratio", "0.3", "--vtp-threshold", "0.1");
        assertTrue(r.err().contains("give --vtp-ratio or --vtp-threshold, not both"), r.err());
        r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--vtp-ratio", "0.3");
        assertTrue(r.err().contains("--vtp-ratio applies to --method vtp, not --method vit-slim"), r.err());
        r = SviteCli.run("train", "--method", "dense", "--dataset", "synthetic", "--l1", "0.1");
        assertTrue(r.err().contains("--l1 applies to --method vit-slim or vtp, not --method dense"), r.err());
        r = SviteCli.run("plan", "--method", "vtp", "--vtp-threshold", "0.1");
        assertTrue(r.err().contains("plan --method vtp needs --vtp-ratio"), r.err());
        r = SviteCli.run("train", "--method", "vtp", "--dataset", "synthetic", "--epochs", "1");
        assertTrue(r.err().contains("vtp searches masks, compacts, then fine-tunes: it needs --epochs 2 or more, got 1"), r.err());
    }
}
