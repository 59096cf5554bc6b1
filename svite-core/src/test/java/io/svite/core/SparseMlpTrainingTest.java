package io.svite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.report.SparsityReport;
import io.svite.core.testing.Fixtures;
import io.svite.core.testing.Mlp;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import org.junit.jupiter.api.Test;

/**
 * A small MLP (not a ViT) trained with SparseTrainer under the user's unchanged {@code
 * EasyTrain.fit}: it reaches the target sparsity and learns.
 */
class SparseMlpTrainingTest {

    @Test
    void anMlpTrainedSparselyReachesItsSparsityAndLearns() throws Exception {
        Engine.getInstance().setRandomSeed(1);
        int batch = 32;
        int epochs = 6;
        ArrayDataset train;
        ArrayDataset test;
        try (NDManager data = NDManager.newBaseManager()) {
            train = Mlp.blobs(data, 1024, batch, 1);
            test = Mlp.blobs(data, 512, batch, 2);
            long steps = (long) epochs * (1024 / batch);
            SparseTrainer sparse =
                    SparseTrainer.builder().erdosRenyiKernel(0.8).updateEvery(16).totalSteps(steps).seed(9).build();
            DefaultTrainingConfig base =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(5e-3f)).build());
            SparseTrainingConfig config = sparse.configure(base);
            try (Model model = Mlp.model();
                    Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(Fixtures.INPUT);
                SparsityReport plan = sparse.plan(model.getBlock());

                EasyTrain.fit(trainer, epochs, train, test);

                float accuracy = accuracy(trainer, test);
                SparsityReport report = config.run().report();
                assertEquals(steps, report.step());
                assertEquals(9, config.run().updates(), "updates at 16, 32, …, 144 < 0.8 · 192");
                assertEquals(plan.nonZeros(), report.nonZeros());
                assertEquals(0.8, report.sparsity(), 2e-3);
                for (int i = 0; i < plan.layers().size(); i++) {
                    assertEquals(plan.layers().get(i).nonZeros(), report.layers().get(i).nonZeros());
                }
                assertTrue(accuracy > 0.85f, "test accuracy " + accuracy + " (chance 0.25)");
                assertTrue(report.layers().get(0).everActiveFraction() > report.layers().get(0).density());
            }
        }
    }

    private static float accuracy(Trainer trainer, ArrayDataset test) throws Exception {
        long right = 0;
        long all = 0;
        for (Batch b : trainer.iterateDataset(test)) {
            try (b) {
                NDArray logits = trainer.evaluate(b.getData()).head();
                NDArray labels = b.getLabels().head();
                right += logits.argMax(1).toType(labels.getDataType(), false).eq(labels).sum().getLong();
                all += labels.size();
            }
        }
        return (float) right / all;
    }
}
