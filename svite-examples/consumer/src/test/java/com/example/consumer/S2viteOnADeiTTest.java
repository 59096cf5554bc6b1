package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.svite.core.SparseTrainingConfig;
import io.svite.core.optimizer.Optimizers;
import io.svite.core.report.UnitGroupReport;
import io.svite.core.training.LabelSmoothingLoss;
import io.svite.models.compact.Compactor;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.deit.SparseDeiT;
import io.svite.models.io.DeiTFiles;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.tracker.Tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** S2ViTE on a DeiT for a few batches, then the compacted model saved, loaded back and checked. */
class S2viteOnADeiTTest {

    @TempDir Path dir;

    @Test
    void aStructuredRunCompactsSavesAndLoadsBackWithTheSameOutputs() throws Exception {
        Engine.getInstance().setRandomSeed(5);
        SparseDeiT recipe = SparseDeiT.builder().heads(2.0 / 3).neurons(0.5).updateEvery(2).seed(3).build();
        DeiTConfig config = recipe.architecture(DeiTConfig.mini().withDepth(2));
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(config);
            model.setBlock(deit);
            DefaultTrainingConfig base = new DefaultTrainingConfig(new LabelSmoothingLoss(0.1f))
                    .optOptimizer(Optimizers.adamW().learningRate(Tracker.fixed(1e-3f)).decayWeightsOnly(deit).build());
            SparseTrainingConfig training = recipe.configure(base, 10);
            try (Trainer trainer = model.newTrainer(training)) {
                trainer.initialize(new Shape(1, 1, 28, 28));
                for (int step = 0; step < 6; step++) {
                    try (NDManager m = model.getNDManager().newSubManager()) {
                        NDArray x = m.randomNormal(new Shape(16, 1, 28, 28));
                        NDArray y = m.randomInteger(0, 10, new Shape(16), ai.djl.ndarray.types.DataType.FLOAT32);
                        EasyTrain.trainBatch(trainer, new Batch(m, new NDList(x), new NDList(y), 16, null, null, 0, 1));
                        trainer.step();
                    }
                }
            }
            assertEquals(3, training.run().updates(), "updates at steps 2, 4, 6 (before 0.8 · 10)");
            for (UnitGroupReport g : training.run().units().groups()) {
                assertEquals(g.family().equals("heads") ? 2 : 192, g.active(), g.name());
            }

            try (NDManager probe = NDManager.newBaseManager()) {
                NDArray images = probe.randomNormal(new Shape(4, 1, 28, 28));
                float[] gated = forward(deit, images, model.getNDManager());
                DeiT compacted = Compactor.compact(deit, model.getNDManager());
                assertEquals(2, compacted.config().blocks().get(0).heads());
                assertEquals(192, compacted.config().blocks().get(0).hidden());
                DeiTFiles.save(compacted, dir.resolve("compact"));
                try (Model loaded = DeiTFiles.load(dir.resolve("compact"), Device.cpu())) {
                    float[] again = forward((DeiT) loaded.getBlock(), images, loaded.getNDManager());
                    assertArrayEquals(gated, again, 1e-4f, "the loaded compacted model computes what the gated one did");
                }
            }
        }
    }

    static float[] forward(DeiT deit, NDArray images, NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            NDArray x = images.toDevice(m.getDevice(), true);
            x.attach(m);
            return deit.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
        }
    }
}
