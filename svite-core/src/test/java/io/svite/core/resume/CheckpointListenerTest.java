package io.svite.core.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.SparseTrainer;
import io.svite.core.SparseTrainingConfig;
import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.data.SeededSampler;
import io.svite.core.optimizer.Optimizers;
import io.svite.core.testing.Fixtures;
import io.svite.core.testing.Mlp;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The EasyTrain.fit form of exact resume: a sparse run stopped mid-epoch continues bit for bit. */
class CheckpointListenerTest {

    static final int EPOCHS = 3;
    static final int BATCH = 32;
    static final long SEED = 5;

    @TempDir Path dir;

    /** Stops a run the way a crash would. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** What a run ends with: every parameter and the live masks, as host copies. */
    record Outcome(List<float[]> weights, List<float[]> masks, long updates, long step) {}

    /** Four blobs in 16-D, drawn in the order of a seeded sampler. */
    static ArrayDataset data(NDManager manager, SeededSampler sampler, int n, long seed) {
        return new ArrayDataset.Builder()
                .setData(blobsData(manager, n, seed))
                .optLabels(blobsLabels(manager, n, seed))
                .setSampling(sampler)
                .build();
    }

    static NDArray blobsData(NDManager manager, int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[n * Mlp.IN];
        for (int i = 0; i < n; i++) {
            int c = i % Mlp.CLASSES;
            for (int j = 0; j < Mlp.IN; j++) {
                x[i * Mlp.IN + j] = (float) (r.nextGaussian() + (j % Mlp.CLASSES == c ? 1.5 : 0));
            }
        }
        return manager.create(x, new Shape(n, Mlp.IN));
    }

    static NDArray blobsLabels(NDManager manager, int n, long seed) {
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % Mlp.CLASSES;
        }
        return manager.create(y);
    }

    /** Trains SViTE on the MLP into {@code run}, stopping in batch {@code stopAt} if it is positive. */
    Outcome train(Path run, int stopAt) throws Exception {
        SeededSampler sampler = new SeededSampler(BATCH, true, SEED);
        try (NDManager manager = NDManager.newBaseManager(); Model model = Mlp.model()) {
            ArrayDataset train = data(manager, sampler, 512, 1);
            DefaultTrainingConfig base = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizers.adamW().learningRate(Tracker.fixed(5e-3f)).weightDecay(0.05f).build());
            if (stopAt > 0) {
                base.addTrainingListeners(new TrainingListenerAdapter() {
                    private int batches;

                    @Override
                    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                        if (++batches == stopAt) {
                            throw new Stop();
                        }
                    }
                });
            }
            long steps = EPOCHS * (512 / BATCH);
            SparseTrainingConfig sparse =
                    SparseTrainer.builder().erdosRenyi(0.7).updateEvery(6).seed(2).build().configure(base, steps);
            CheckpointListener checkpoints = CheckpointListener.builder()
                    .folder(run).every(5).keep(2).seed(SEED).sampler(sampler).build();
            TrainingConfig config = checkpoints.configure(model, sparse, Fixtures.INPUT);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(Fixtures.INPUT);
                EasyTrain.fit(trainer, checkpoints.remainingEpochs(EPOCHS), train, null);
            }
            List<float[]> weights = new ArrayList<>();
            List<float[]> masks = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                weights.add(p.getValue().getArray().toFloatArray());
                NDArray mask = sparse.run().mask(p.getValue());
                if (mask != null) {
                    masks.add(mask.toFloatArray());
                }
            }
            return new Outcome(weights, masks, sparse.run().updates(), sparse.run().step());
        }
    }

    static List<String> checkpoints(Path run) throws Exception {
        try (Stream<Path> s = Files.list(run.resolve(CheckpointStore.FOLDER))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList();
        }
    }

    @Test
    void aRunStoppedMidEpochResumesUnderEasyTrainBitForBit() throws Exception {
        Outcome full = train(dir.resolve("a"), 0);
        assertEquals(48, full.step());

        // 16 steps per epoch; stopped in the 23rd batch: the newest checkpoint is after step 20
        assertThrows(Stop.class, () -> train(dir.resolve("b"), 23));
        assertEquals(List.of(CheckpointStore.nameOf(16), CheckpointStore.nameOf(20)), checkpoints(dir.resolve("b")));
        Outcome resumed = train(dir.resolve("b"), 0);

        assertEquals(full.step(), resumed.step());
        assertEquals(full.updates(), resumed.updates(), "updates before the checkpoint count");
        for (int i = 0; i < full.weights().size(); i++) {
            assertArrayEquals(full.weights().get(i), resumed.weights().get(i), "parameter " + i + ", bit for bit");
        }
        for (int i = 0; i < full.masks().size(); i++) {
            assertArrayEquals(full.masks().get(i), resumed.masks().get(i), "mask " + i);
        }
    }

    @Test
    void anEpochEndResumesAndAFinishedRunTrainsNoMore() throws Exception {
        Outcome full = train(dir.resolve("a"), 0);
        assertThrows(Stop.class, () -> train(dir.resolve("c"), 17)); // first batch of epoch 2
        Outcome resumed = train(dir.resolve("c"), 0);
        for (int i = 0; i < full.weights().size(); i++) {
            assertArrayEquals(full.weights().get(i), resumed.weights().get(i), "parameter " + i);
        }
        Outcome again = train(dir.resolve("c"), 0); // resumes from the last epoch's end: nothing left
        assertEquals(full.step(), again.step());
        assertArrayEquals(full.weights().get(0), again.weights().get(0));
    }

    @Test
    void badSettingsAndUnusableFoldersAreOneClearError() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CheckpointListener.builder().folder(dir).every(10).build());
        assertTrue(e.getMessage().contains("call sampler(seededSampler) too"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> CheckpointListener.builder().every(10).build());
        assertTrue(e.getMessage().contains("needs a checkpoint folder"), e.getMessage());
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> CheckpointListener.builder().keep(0));
        assertTrue(a.getMessage().contains("must be >= 1, got 0"), a.getMessage());

        train(dir.resolve("d"), 0);
        for (String name : checkpoints(dir.resolve("d"))) {
            Path weights = dir.resolve("d").resolve(CheckpointStore.FOLDER).resolve(name).resolve(TrainingState.WEIGHTS);
            Files.write(weights, new byte[] {1, 2, 3});
        }
        CheckpointListener listener = CheckpointListener.builder().folder(dir.resolve("d")).seed(SEED).build();
        try (Model model = Mlp.model()) {
            e = assertThrows(IllegalStateException.class,
                    () -> listener.configure(model, Fixtures.dense(Fixtures.adamW()), Fixtures.INPUT));
            assertTrue(e.getMessage().startsWith("no usable checkpoint in"), e.getMessage());
        }
        assertNull(CheckpointListener.builder().build().resumedFrom(), "without a folder nothing is resumed");
    }
}
