package io.svite.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.Batchifier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The moving average: the recursion, the swap, and a checkpoint that continues it exactly. */
class ModelEmaTest {

    @TempDir Path dir;

    private static Model model() {
        Model m = Model.newInstance("ema");
        m.setBlock(new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(3).build()));
        return m;
    }

    private static Trainer trainer(Model m, ModelEma ema) {
        DefaultTrainingConfig c = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.5f)).build())
                .addTrainingListeners(ema);
        Trainer t = m.newTrainer(c);
        t.getManager().getEngine().setRandomSeed(1);
        t.initialize(new Shape(4, 5));
        return t;
    }

    private static void step(Trainer t, int i) {
        NDManager m = t.getManager().newSubManager();
        m.getEngine().setRandomSeed(100 + i);
        NDArray x = m.randomNormal(new Shape(4, 5));
        NDArray y = m.create(new float[] {0, 1, 2, i % 3});
        try (Batch b = new Batch(m, new NDList(x), new NDList(y), 4, Batchifier.STACK, Batchifier.STACK, i, 10)) {
            EasyTrain.trainBatch(t, b);
            t.step();
        }
    }

    private static float[] weight(Trainer t) {
        return t.getModel().getBlock().getParameters().valueAt(0).getArray().toFloatArray();
    }

    @Test
    void theAverageFollowsTheRecursionOverTheWeightsOfEveryStep() {
        double d = 0.8;
        ModelEma ema = ModelEma.of(d);
        try (Model m = model(); Trainer t = trainer(m, ema)) {
            List<float[]> weights = new ArrayList<>();
            weights.add(weight(t));
            for (int i = 0; i < 4; i++) {
                step(t, i);
                weights.add(weight(t));
            }
            ema.onTrainingEnd(t);
            double[] expected = new double[weights.get(0).length];
            for (int j = 0; j < expected.length; j++) {
                expected[j] = weights.get(0)[j];
                for (int s = 1; s < weights.size(); s++) {
                    expected[j] = d * expected[j] + (1 - d) * weights.get(s)[j];
                }
            }
            String name = m.getBlock().getParameters().keys().get(0);
            float[] got = ema.average(name).toFloatArray();
            for (int j = 0; j < expected.length; j++) {
                assertEquals(expected[j], got[j], 1e-5);
            }
            assertEquals(5, ema.updates());
            float[] trained = weight(t);
            ema.swap(m.getBlock());
            assertArrayEquals(got, weight(t), "the average is in the model");
            ema.swap(m.getBlock());
            assertArrayEquals(trained, weight(t), "and the trained weights are back");
        }
    }

    @Test
    void aCheckpointedAverageContinuesAsTheUninterruptedOne() throws Exception {
        ModelEma whole = ModelEma.of(0.9);
        float[] reference;
        String name;
        try (Model m = model(); Trainer t = trainer(m, whole)) {
            for (int i = 0; i < 4; i++) {
                step(t, i);
            }
            name = m.getBlock().getParameters().keys().get(0);
            reference = whole.average(name).toFloatArray();
        }
        ModelEma first = ModelEma.of(0.9);
        Path state = Files.createDirectories(dir.resolve("ema"));
        Path weights = dir.resolve("w");
        try (Model m = model(); Trainer t = trainer(m, first)) {
            step(t, 0);
            step(t, 1);
            first.writeCheckpoint(state); // between steps, as a checkpoint listener writes
            m.save(weights, "w");
        }
        ModelEma resumed = ModelEma.of(0.9);
        resumed.readCheckpoint(state);
        try (Model m = model()) {
            m.getBlock().initialize(m.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(4, 5));
            m.load(weights, "w");
            Trainer t = trainer(m, resumed);
            step(t, 2);
            step(t, 3);
            assertArrayEquals(reference, resumed.average(name).toFloatArray());
            t.close();
        }
    }

    @Test
    void aDecayOutsideZeroOneIsRefusedWithItsValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelEma.of(1));
        assertEquals("EMA decay must be in [0, 1), got 1.0", e.getMessage());
        assertTrue(assertThrows(IllegalStateException.class, () -> ModelEma.of(0.5).swap(new SequentialBlock()))
                .getMessage().contains("first training batch"));
    }

    @Test
    void withAverageEvaluatesTheMaskedAverageAndPutsTheTrainedWeightsBack() {
        ModelEma ema = ModelEma.of(0.7);
        try (Model m = model(); Trainer t = trainer(m, ema)) {
            for (int i = 0; i < 3; i++) {
                step(t, i);
            }
            ai.djl.nn.Parameter weight = m.getBlock().getParameters().valueAt(0);
            String name = m.getBlock().getParameters().keys().get(0);
            float[] trained = weight(t);
            float[] average = ema.average(name).toFloatArray();
            NDArray mask = t.getManager().create(new float[15]).reshape(3, 5);
            mask.set(new ai.djl.ndarray.index.NDIndex("0:2"), 1f); // rows 0 and 1 kept, row 2 masked
            long before = t.getManager().getManagedArrays().size();
            float[] seen = ema.withAverage(m.getBlock(), p -> p == weight ? mask : null, () -> weight(t));
            for (int j = 0; j < seen.length; j++) {
                assertEquals(j < 10 ? average[j] : 0f, seen[j], 0f, "entry " + j);
            }
            assertArrayEquals(trained, weight(t), "the trained weights are back");
            assertArrayEquals(average, ema.average(name).toFloatArray(), "the average is unchanged");
            assertEquals(before, t.getManager().getManagedArrays().size(), "nothing left behind");
            assertThrows(ArithmeticException.class, () -> ema.withAverage(m.getBlock(), null, () -> {
                throw new ArithmeticException("evaluation failed");
            }));
            assertArrayEquals(trained, weight(t), "also after a failed evaluation");
            NDArray held = ema.average(name);
            ema.close();
            assertTrue(held.isReleased(), "close frees the average");
            assertEquals(null, ema.average(name));
        }
    }

    @Test
    void frozenParametersAreNotAveraged() {
        ModelEma ema = ModelEma.of(0.5);
        try (Model m = model(); Trainer t = trainer(m, ema)) {
            ai.djl.nn.Parameter bias = m.getBlock().getParameters().valueAt(1);
            bias.freeze(true); // as a gate is: no gradient, changed only by its engine
            step(t, 0);
            step(t, 1);
            String biasName = m.getBlock().getParameters().keys().get(1);
            assertEquals(null, ema.average(biasName), "a frozen parameter has no average");
            assertTrue(ema.average(m.getBlock().getParameters().keys().get(0)) != null);
            bias.getArray().set(new ai.djl.ndarray.index.NDIndex("..."), 7f);
            float[] seen = ema.withAverage(m.getBlock(), null, () -> bias.getArray().toFloatArray());
            assertArrayEquals(new float[] {7f, 7f, 7f}, seen, "it keeps its live value under the average");
        }
    }
}
