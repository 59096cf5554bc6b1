package io.svite.models.deit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;

class DeiTTest {

    static long countParameters(DeiT deit) {
        long total = 0;
        for (Pair<String, Parameter> p : deit.getParameters()) {
            if (p.getValue().getType() == Parameter.Type.OTHER && p.getKey().endsWith("gate")) {
                continue;
            }
            total += p.getValue().getArray().size();
        }
        return total;
    }

    private static long parametersOf(DeiTConfig config) {
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT deit = DeiT.of(config);
            deit.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32,
                    new Shape(1, config.channels(), config.imageSize(), config.imageSize()));
            return countParameters(deit);
        }
    }

    @Test
    void presetsHaveThePublishedParameterCounts() {
        assertEquals(5_717_416L, parametersOf(DeiTConfig.tiny()));
        assertEquals(22_050_664L, parametersOf(DeiTConfig.small()));
        assertEquals(86_567_656L, parametersOf(DeiTConfig.base()));
    }

    @Test
    void forwardGivesOneLogitPerClass() {
        DeiTConfig config = DeiTConfig.mini();
        try (Model model = Model.newInstance("deit")) {
            model.setBlock(DeiT.of(config));
            NDManager m = model.getNDManager();
            model.getBlock().initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 1, 28, 28));
            NDArray x = m.randomNormal(new Shape(2, 1, 28, 28));
            NDArray y = model.getBlock().forward(new ParameterStore(m, false), new NDList(x), false).head();
            assertEquals(new Shape(2, 10), y.getShape());
        }
    }

    @Test
    void gatesAreFrozenOnesAndZeroGatesRemoveUnitsExactly() {
        DeiTConfig config = DeiTConfig.mini().withDepth(1);
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(config);
            model.setBlock(deit);
            NDManager m = model.getNDManager();
            deit.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 1, 28, 28));
            GatedAttention attn = deit.blocks().get(0).attention();
            assertEquals(new Shape(3), attn.headGate().getArray().getShape());
            assertTrue(!attn.headGate().requiresGradient());
            assertEquals(3f, attn.headGate().getArray().sum().getFloat());

            // With head 1 gated off, changing head 1's value weights and biases changes nothing.
            NDArray x = m.randomNormal(new Shape(2, 1, 28, 28));
            ParameterStore ps = new ParameterStore(m, false);
            attn.headGate().getArray().set(new ai.djl.ndarray.index.NDIndex("1"), 0f);
            NDArray before = deit.forward(ps, new NDList(x), false).head().duplicate();
            int d = config.headDim();
            int vStart = 2 * config.width() + d;
            attn.qkv().getParameters().get("bias").getArray()
                    .set(new ai.djl.ndarray.index.NDIndex(vStart + ":" + (vStart + d)), 5f);
            NDArray after = deit.forward(ps, new NDList(x), false).head();
            assertEquals(0f, after.sub(before).abs().max().getFloat(), 0f);

            // Ungated, the same change does matter.
            attn.headGate().getArray().set(new ai.djl.ndarray.index.NDIndex("1"), 1f);
            NDArray open = deit.forward(ps, new NDList(x), false).head();
            assertTrue(open.sub(before).abs().max().getFloat() > 1e-4f);
        }
    }

    @Test
    void trainingStepsDoNotLeakArraysIntoTheModelManager() {
        DeiTConfig config = DeiTConfig.mini().withDepth(2).withDropPath(0.1);
        try (Model model = Model.newInstance("deit")) {
            model.setBlock(DeiT.of(config));
            DefaultTrainingConfig tc =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).build());
            try (Trainer trainer = model.newTrainer(tc)) {
                trainer.initialize(new Shape(4, 1, 28, 28));
                NDManager m = model.getNDManager();
                int[] counts = new int[4];
                for (int step = 0; step < 4; step++) {
                    try (NDManager batch = m.getParentManager().newSubManager()) {
                        NDArray x = batch.randomNormal(new Shape(4, 1, 28, 28));
                        NDArray y = batch.create(new float[] {0, 1, 2, 3});
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray pred = trainer.forward(new NDList(x)).head();
                            NDArray loss = tc.getLossFunction().evaluate(new NDList(y), new NDList(pred));
                            gc.backward(loss);
                        }
                        trainer.step();
                    }
                    counts[step] = m.getManagedArrays().size();
                }
                assertEquals(counts[1], counts[3], "model manager grew from " + counts[1] + " to " + counts[3]);
            }
        }
    }

    @Test
    void configRejectsImagesNotDivisibleByThePatch() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> DeiTConfig.of(30, 1, 4, 96, 6, 3, 4, 10, 0));
        assertTrue(e.getMessage().contains("30") && e.getMessage().contains("patch size 4"), e.getMessage());
    }
}
