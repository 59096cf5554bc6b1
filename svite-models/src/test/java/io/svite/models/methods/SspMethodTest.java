package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.data.ImageData;
import io.svite.core.data.InMemoryImageData;
import io.svite.core.data.InputSpec;
import io.svite.core.data.SeededSampler;
import io.svite.core.data.SyntheticImages;
import io.svite.core.structured.UnitBudget;
import io.svite.core.training.CheckpointPolicy;
import io.svite.core.training.LabelSmoothingLoss;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTBlock;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.deit.DeiTUnits;
import io.svite.models.io.DeiTFiles;
import io.svite.models.run.RunFolder;
import io.svite.models.run.TrainResult;
import io.svite.models.run.TrainingRun;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SSP's defining behaviour: the units it prunes are exactly the lowest-scoring ones by scores this
 * test computes itself from the dense phase's weights, the fine-tuned model is the compacted
 * architecture, and it learns.
 */
class SspMethodTest {

    @TempDir Path dir;

    private static final TrainRecipe DEFAULTS = TrainRecipe.defaults();

    @Test
    void taylorPrunesTheLowestScoringUnitsCompactsAndTheCompactedModelLearns() throws Exception {
        Path out = dir.resolve("taylor");
        // --heads 0.67 --neurons 0.5 --epochs 4 --max-batches 10 --batch-size 32 --salience-batches 3
        SspMethod taylor = new SspMethod(UnitBudget.fractions(Map.of(DeiTUnits.HEADS, 0.67, DeiTUnits.NEURONS, 0.5)), SspMethod.Salience.TAYLOR,
                EpochSplit.of("ssp", 4, 0), 3);
        JsonObject r = MethodRuns.train(taylor, MethodRuns.recipe(4, 10, 32, out));

        // phases: 2 dense epochs on the full model, 2 fine-tuning epochs on the compacted one
        JsonArray epochs = r.getAsJsonArray("epochs");
        assertEquals(4, epochs.size());
        assertEquals("dense", epochs.get(1).getAsJsonObject().get("phase").getAsString());
        assertEquals("finetune", epochs.get(2).getAsJsonObject().get("phase").getAsString());

        // the final model is the compacted architecture: floor(3·0.67) = 2 heads, floor(384·0.5) = 192 neurons
        DeiTConfig saved = DeiTFiles.readConfig(out.resolve("model"));
        assertEquals(6, saved.blocks().size());
        for (BlockShape b : saved.blocks()) {
            assertEquals(new BlockShape(2, 192), b);
        }
        JsonObject plan = MethodRuns.plan(taylor);
        assertEquals(plan.get("params").getAsLong(), r.get("params").getAsLong(), "the plan costs the compacted model");
        assertTrue(r.get("params").getAsLong() < 0.6 * r.get("denseParams").getAsLong(), r.toString());

        // the scores recomputed here from the dense phase's weights, on the same batches
        float[][] independent = taylorScores(out.resolve(SspMethod.GATED), 3, 32);
        assertPrunedAreTheLowest(out, independent, 1e-3);

        // it learns: the fine-tuning loss falls and the compacted model is well above chance (10 %)
        double first = epochs.get(2).getAsJsonObject().get("trainLoss").getAsDouble();
        double last = epochs.get(3).getAsJsonObject().get("trainLoss").getAsDouble();
        assertTrue(last < first, "fine-tuning loss " + first + " -> " + last);
        assertTrue(r.get("testAccuracy").getAsDouble() > 0.2, "test accuracy " + r.get("testAccuracy"));
    }

    @Test
    void l1PrunesTheUnitsWithTheSmallestWeightNorms() throws Exception {
        Path out = dir.resolve("l1");
        JsonObject r = MethodRuns.train(new SspMethod(UnitBudget.uniform(0.5), SspMethod.Salience.L1,
                EpochSplit.of("ssp", 2, 0), SspMethod.DEFAULT_SCORE_BATCHES), out);
        assertEquals("l1", r.getAsJsonObject("methodSettings").get("salience").getAsString());
        assertPrunedAreTheLowest(out, l1Scores(out.resolve(SspMethod.GATED)), 1e-4);
        for (BlockShape b : DeiTFiles.readConfig(out.resolve("model")).blocks()) {
            assertEquals(new BlockShape(1, 192), b, "floor(3·0.5) heads, floor(384·0.5) neurons");
        }
    }

    @Test
    void refusesAScoreWindowOfNoBatches() {
        assertThrows(IllegalArgumentException.class,
                () -> new SspMethod(UnitBudget.uniform(0.5), SspMethod.Salience.TAYLOR, new EpochSplit(1, 1), 0));
    }

    @Test
    void resumedInTheFineTuningPhaseItRebuildsTheSameCompactedModelAndEndsBitForBitTheSame() throws Exception {
        // 2 epochs of 5 steps: the dense phase ends at step 5, step 8 is inside the fine-tuning phase
        TrainRecipe recipe = new TrainRecipe("deit-mini", "synthetic", null, 2, 8, 5, 1e-3, 1e-5, 0.05, 0.5, 0.1, -1, 7,
                null);
        Path a = dir.resolve("a");
        TrainResult full;
        try (ImageData data = SyntheticImages.create(10, 128, 16, 28, 7)) {
            full = new TrainingRun(recipe, data, Device.cpu(), null)
                    .run(ssp(), RunFolder.create(a), new CheckpointPolicy(2, 100));
        }
        Path b = dir.resolve("b");
        for (long step : new long[] {5, 8}) {
            copyTree(a.resolve(CheckpointStore.FOLDER).resolve(CheckpointStore.nameOf(step)),
                    b.resolve(CheckpointStore.FOLDER).resolve(CheckpointStore.nameOf(step)));
        }
        TrainResult resumed;
        try (ImageData data = SyntheticImages.create(10, 128, 16, 28, 7)) {
            resumed = new TrainingRun(recipe, data, Device.cpu(), null)
                    .resume(ssp(), RunFolder.existing(b), new CheckpointPolicy(2, 100));
        }
        assertEquals(full.epochs().size(), resumed.epochs().size());
        for (int i = 0; i < full.epochs().size(); i++) {
            assertEquals(full.epochs().get(i).trainLoss(), resumed.epochs().get(i).trainLoss(), 0, "epoch " + (i + 1));
            assertEquals(full.epochs().get(i).testAccuracy(), resumed.epochs().get(i).testAccuracy(), 0);
        }
        assertEquals(full.architecture(), resumed.architecture());
        assertEquals(Files.readString(a.resolve(SspMethod.UNITS)), Files.readString(b.resolve(SspMethod.UNITS)),
                "the same scores and kept units, recomputed from the restored dense phase");
        assertArrayEquals(Files.readAllBytes(a.resolve("model").resolve(DeiTFiles.WEIGHTS_FILE)),
                Files.readAllBytes(b.resolve("model").resolve(DeiTFiles.WEIGHTS_FILE)), "final weights, bit for bit");
    }

    private static SspMethod ssp() {
        return new SspMethod(UnitBudget.uniform(0.5), SspMethod.Salience.TAYLOR, new EpochSplit(1, 1), 3);
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    /**
     * Checks the run folder: the kept units of every group are its highest-scoring ones by the
     * given scores (every pruned unit scores at most every kept one), the saved scores match them,
     * and the saved gated model's gates are exactly the kept units.
     */
    private static void assertPrunedAreTheLowest(Path out, float[][] expected, double tolerance) throws Exception {
        JsonObject units = JsonParser.parseString(Files.readString(out.resolve(SspMethod.UNITS))).getAsJsonObject();
        JsonArray groups = units.getAsJsonArray("groups");
        assertEquals(expected.length, groups.size());
        float[][] gates = gates(out.resolve(SspMethod.GATED));
        int prunedSomewhere = 0;
        for (int g = 0; g < groups.size(); g++) {
            JsonObject group = groups.get(g).getAsJsonObject();
            JsonArray saved = group.getAsJsonArray("scores");
            float[] scores = expected[g];
            assertEquals(scores.length, saved.size());
            double scale = 0;
            for (float s : scores) {
                scale = Math.max(scale, Math.abs(s));
            }
            for (int u = 0; u < scores.length; u++) {
                assertEquals(scores[u], saved.get(u).getAsDouble(), tolerance * scale + 1e-12,
                        group.get("name").getAsString() + " unit " + u);
            }
            List<Integer> kept = new ArrayList<>();
            for (JsonElement e : group.getAsJsonArray("activeUnits")) {
                kept.add(e.getAsInt());
            }
            double lowestKept = Double.MAX_VALUE;
            double highestPruned = -Double.MAX_VALUE;
            for (int u = 0; u < scores.length; u++) {
                assertEquals(kept.contains(u) ? 1f : 0f, gates[g][u], group.get("name").getAsString() + " gate " + u);
                if (kept.contains(u)) {
                    lowestKept = Math.min(lowestKept, scores[u]);
                } else {
                    highestPruned = Math.max(highestPruned, scores[u]);
                    prunedSomewhere++;
                }
            }
            assertTrue(highestPruned <= lowestKept + tolerance * scale,
                    group.get("name").getAsString() + ": a pruned unit scores " + highestPruned + ", a kept one "
                            + lowestKept);
        }
        assertTrue(prunedSomewhere > 0);
    }

    /** The gate values of every group (heads, neurons per block) of the saved gated model. */
    private static float[][] gates(Path gated) throws Exception {
        try (Model model = DeiTFiles.load(gated, Device.cpu())) {
            DeiT deit = (DeiT) model.getBlock();
            float[][] out = new float[2 * deit.blocks().size()][];
            for (int i = 0; i < deit.blocks().size(); i++) {
                out[2 * i] = deit.blocks().get(i).attention().headGate().getArray().toFloatArray();
                out[2 * i + 1] = deit.blocks().get(i).mlp().neuronGate().getArray().toFloatArray();
            }
            return out;
        }
    }

    /** Σ|w| of every head's q, k, v rows and proj columns, and of every neuron's fc1 row and fc2 column, on the host. */
    private static float[][] l1Scores(Path gated) throws Exception {
        try (Model model = DeiTFiles.load(gated, Device.cpu())) {
            DeiT deit = (DeiT) model.getBlock();
            DeiTConfig c = deit.config();
            int width = c.width();
            int d = c.headDim();
            float[][] out = new float[2 * c.depth()][];
            for (int i = 0; i < c.depth(); i++) {
                DeiTBlock b = deit.blocks().get(i);
                int heads = b.attention().heads();
                float[] qkv = weight(b.attention().qkv()); // (3·H·d, D)
                float[] proj = weight(b.attention().proj()); // (D, H·d)
                float[] h = new float[heads];
                for (int head = 0; head < heads; head++) {
                    double s = 0;
                    for (int part = 0; part < 3; part++) {
                        for (int j = 0; j < d; j++) {
                            int row = (part * heads + head) * d + j;
                            for (int k = 0; k < width; k++) {
                                s += Math.abs(qkv[row * width + k]);
                            }
                        }
                    }
                    for (int row = 0; row < width; row++) {
                        for (int j = 0; j < d; j++) {
                            s += Math.abs(proj[row * heads * d + head * d + j]);
                        }
                    }
                    h[head] = (float) s;
                }
                int hidden = b.mlp().hidden();
                float[] fc1 = weight(b.mlp().fc1()); // (M, D)
                float[] fc2 = weight(b.mlp().fc2()); // (D, M)
                float[] n = new float[hidden];
                for (int j = 0; j < hidden; j++) {
                    double s = 0;
                    for (int k = 0; k < width; k++) {
                        s += Math.abs(fc1[j * width + k]) + Math.abs(fc2[k * hidden + j]);
                    }
                    n[j] = (float) s;
                }
                out[2 * i] = h;
                out[2 * i + 1] = n;
            }
            return out;
        }
    }

    private static float[] weight(ai.djl.nn.core.Linear linear) {
        return linear.getParameters().get("weight").getArray().toFloatArray();
    }

    /**
     * Σ over the first {@code batches} batches of the run's first-epoch order of |∂L/∂g| at g = 1,
     * read back batch by batch on the host, for the gated model with every gate set back to 1.
     */
    private static float[][] taylorScores(Path gated, int batches, int batchSize) throws Exception {
        long seed = DEFAULTS.seed();
        InMemoryImageData data = SyntheticImages.create(10, 2048, 512, 28, seed);
        try (data; Model model = DeiTFiles.load(gated, Device.cpu()); NDManager manager = NDManager.newBaseManager()) {
            DeiT deit = (DeiT) model.getBlock();
            List<Parameter> gates = new ArrayList<>();
            for (DeiTBlock b : deit.blocks()) {
                gates.add(b.attention().headGate());
                gates.add(b.mlp().neuronGate());
            }
            double[][] sums = new double[gates.size()][];
            for (int g = 0; g < gates.size(); g++) {
                NDArray gate = gates.get(g).getArray();
                gate.set(java.nio.FloatBuffer.wrap(ones((int) gate.size())));
                gates.get(g).freeze(false);
                sums[g] = new double[(int) gate.size()];
            }
            LabelSmoothingLoss loss = new LabelSmoothingLoss((float) DEFAULTS.labelSmoothing());
            int done = 0;
            for (Batch batch : data.train(new InputSpec(28, 1), new SeededSampler(batchSize, true, seed)).getData(manager)) {
                try (batch; GradientCollector collector = model.getNDManager().getEngine().newGradientCollector()) {
                    NDList logits = deit.forward(new ParameterStore(batch.getManager(), false), batch.getData(), false);
                    collector.backward(loss.evaluate(batch.getLabels(), logits));
                }
                for (int g = 0; g < gates.size(); g++) {
                    try (NDArray grad = gates.get(g).getArray().getGradient()) {
                        float[] v = grad.toFloatArray();
                        for (int u = 0; u < v.length; u++) {
                            sums[g][u] += Math.abs(v[u]);
                        }
                        grad.subi(grad);
                    }
                }
                if (++done == batches) {
                    break;
                }
            }
            float[][] out = new float[sums.length][];
            for (int g = 0; g < sums.length; g++) {
                out[g] = new float[sums[g].length];
                for (int u = 0; u < sums[g].length; u++) {
                    out[g][u] = (float) sums[g][u];
                }
            }
            return out;
        }
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
