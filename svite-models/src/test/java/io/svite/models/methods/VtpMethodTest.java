package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** VTP through the library (its command-line options are tested in {@code io.svite.examples.cli}). */
class VtpMethodTest {

    @TempDir Path dir;


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

    /** {@code --epochs 3 --search-epochs 2 --max-batches 8 --lr 3e-2 --warmup-epochs 0 --l1 λ} (ratio 0.5). */
    private static void search(Path out, double l1) {
        MethodRuns.train(new VtpMethod(l1, VtpMethod.DEFAULT_RATIO, Double.NaN, EpochSplit.ofSearch("vtp", 3, 2)),
                MethodRuns.recipe(3, 8, 8, 3e-2, 0, out));
    }

    @Test
    void theL1PenaltyDrivesTheInputGatesTowardZero() throws Exception {
        search(dir.resolve("plain"), 0);
        search(dir.resolve("l1"), 0.05);
        double plain = meanAbsGate(dir.resolve("plain"));
        double penalised = meanAbsGate(dir.resolve("l1"));
        assertTrue(Math.abs(plain - 1) < 0.1, "without the penalty the gates stay near their initial 1: " + plain);
        assertTrue(penalised < plain - 0.1, "λ = 0.05 left the gates at " + penalised + " against " + plain + " without it");
    }

    @Test
    void prunesEachInputToTheRatioCompactsToThePlanFineTunesAndLearns() throws Exception {
        Path out = dir.resolve("vtp");
        // --epochs 6 --search-epochs 3 --max-batches 24 --lr 3e-3 --warmup-epochs 0 --vtp-ratio 0.5
        JsonObject r = MethodRuns.train(
                new VtpMethod(VtpMethod.DEFAULT_L1, 0.5, Double.NaN, EpochSplit.ofSearch("vtp", 6, 3)),
                MethodRuns.recipe(6, 24, 8, 3e-3, 0, out));
        JsonArray epochs = r.getAsJsonArray("epochs");
        assertEquals(6, epochs.size());
        assertEquals("search", epochs.get(0).getAsJsonObject().get("phase").getAsString());
        assertEquals("finetune", epochs.get(5).getAsJsonObject().get("phase").getAsString());

        DeiTConfig saved = DeiTFiles.readConfig(out.resolve("model"));
        for (BlockShape b : saved.blocks()) {
            assertEquals(48, b.attnInputs().size(), "half of the 96 dimensions qkv reads are kept");
            assertEquals(48, b.mlpInputs().size());
        }
        JsonObject plan = MethodRuns.plan(new VtpMethod(VtpMethod.DEFAULT_L1, 0.5, Double.NaN, new EpochSplit(1, 1)));
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
}
