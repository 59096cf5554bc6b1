package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.SparseTrainer;
import io.svite.core.SparseTrainingConfig;
import io.svite.core.report.SparsityReport;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;

import java.util.Random;

/** The design card's line on a plain DJL MLP (no DeiT), trained by DJL's own EasyTrain.fit. */
class DesignCardOnAnMlpTest {

    static ArrayDataset blobs(NDManager manager, int n, long seed) {
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
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(n, 16)))
                .optLabels(manager.create(y))
                .setSampling(32, true)
                .build();
    }

    @Test
    void theDesignCardLineMakesAnMlpSparseUnderEasyTrain() throws Exception {
        Engine.getInstance().setRandomSeed(1);
        SparseTrainer sparse = SparseTrainer.builder().erdosRenyi(0.5).build();

        try (NDManager data = NDManager.newBaseManager(); Model model = Model.newInstance("mlp")) {
            model.setBlock(new SequentialBlock()
                    .add(Linear.builder().setUnits(64).build())
                    .add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(4).build()));
            ArrayDataset train = blobs(data, 2048, 1);
            ArrayDataset test = blobs(data, 512, 2);
            int epochs = 5;
            long steps = epochs * (2048 / 32);
            DefaultTrainingConfig base = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(5e-3f)).build());
            SparseTrainingConfig config = sparse.configure(base, steps);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 16));
                EasyTrain.fit(trainer, epochs, train, test);

                SparsityReport report = config.run().report();
                assertEquals(0.5, report.sparsity(), 2e-3, report.text());
                assertEquals(2, report.layers().size());
                assertEquals(2, config.run().updates(), "every 100 steps, until 80 % of 320");
                for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                    NDArray mask = config.run().mask(p.getValue());
                    if (mask != null) {
                        float masked = p.getValue().getArray().mul(mask.neg().add(1)).abs().max().getFloat();
                        assertEquals(0f, masked, p.getKey() + ": pruned weights stay exactly 0");
                    }
                }
                long right = 0;
                long all = 0;
                for (Batch b : trainer.iterateDataset(test)) {
                    try (b) {
                        NDArray labels = b.getLabels().head();
                        NDArray predicted = trainer.evaluate(b.getData()).head().argMax(1).toType(labels.getDataType(), false);
                        right += predicted.eq(labels).sum().getLong();
                        all += labels.size();
                    }
                }
                assertTrue(right > 0.85 * all, "accuracy " + right + "/" + all + " (chance 1/4)");
            }
        }
    }
}
