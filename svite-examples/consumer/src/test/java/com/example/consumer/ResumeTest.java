package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.svite.core.SparseTrainer;
import io.svite.core.data.SeededSampler;
import io.svite.core.optimizer.Optimizers;
import io.svite.core.resume.CheckpointListener;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A sparse run stopped in the middle of an epoch and resumed from its last checkpoint ends with
 * exactly the weights, masks and optimizer moments of the run that was never stopped.
 */
class ResumeTest {

    static final int EPOCHS = 3;
    static final int BATCH = 32;
    static final long SEED = 11;

    @TempDir Path dir;

    /** Thrown by a listener to stop a run the way a crash would. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    static ArrayDataset blobs(NDManager manager, int n, long seed, SeededSampler sampler) {
        Random r = new Random(seed);
        float[] x = new float[n * 16];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(4);
            y[i] = c;
            for (int j = 0; j < 16; j++) {
                x[i * 16 + j] = (float) (r.nextGaussian() + (j % 4 == c ? 1.5 : 0));
            }
        }
        ArrayDataset.Builder b = new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(n, 16)))
                .optLabels(manager.create(y));
        return (sampler == null ? b.setSampling(BATCH, false) : b.setSampling(sampler)).build();
    }

    /** Trains the recipe in {@code run}; stops after {@code stopAfter} steps if it is positive. */
    static List<float[]> train(Path run, int stopAfter) throws Exception {
        SeededSampler sampler = new SeededSampler(BATCH, true, SEED);
        try (NDManager data = NDManager.newBaseManager(); Model model = Model.newInstance("mlp")) {
            model.setBlock(new SequentialBlock()
                    .add(Linear.builder().setUnits(64).build())
                    .add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(4).build()));
            ArrayDataset train = blobs(data, 1024, 1, sampler);
            ArrayDataset test = blobs(data, 256, 2, null);
            long steps = EPOCHS * (1024 / BATCH);
            DefaultTrainingConfig base = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizers.adamW().learningRate(Tracker.fixed(5e-3f)).weightDecay(0.05f).build());
            if (stopAfter > 0) {
                base.addTrainingListeners(new TrainingListenerAdapter() {
                    private int batches;

                    @Override
                    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                        if (++batches == stopAfter) {
                            throw new Stop();
                        }
                    }
                });
            }
            CheckpointListener checkpoints = CheckpointListener.builder()
                    .folder(run).every(10).keep(2).seed(SEED).sampler(sampler).build();
            TrainingConfig config = checkpoints.configure(
                    model,
                    SparseTrainer.builder().erdosRenyi(0.6).updateEvery(8).build().configure(base, steps),
                    new Shape(1, 16));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 16));
                EasyTrain.fit(trainer, checkpoints.remainingEpochs(EPOCHS), train, test);
            }
            List<float[]> weights = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                weights.add(p.getValue().getArray().toFloatArray());
            }
            return weights;
        }
    }

    @Test
    void aStoppedRunResumesBitForBit() throws Exception {
        List<float[]> uninterrupted = train(dir.resolve("a"), 0);

        // 32 steps per epoch: stop in step 47 (mid epoch 2); the newest checkpoint is after step 40
        assertThrows(Stop.class, () -> train(dir.resolve("b"), 47));
        try (var listing = java.nio.file.Files.list(dir.resolve("b").resolve("checkpoints"))) {
            assertEquals(List.of("step-000000000032", "step-000000000040"),
                    listing.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList(),
                    "the epoch end and step 40, the newest two");
        }
        List<float[]> resumed = train(dir.resolve("b"), 0);

        assertEquals(uninterrupted.size(), resumed.size());
        for (int i = 0; i < uninterrupted.size(); i++) {
            assertArrayEquals(uninterrupted.get(i), resumed.get(i), "parameter " + i + " bit for bit");
        }
    }
}
