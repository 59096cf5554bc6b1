package io.svite.models.deit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.select.KeepDense;
import io.svite.models.tokens.TemperatureListener;
import io.svite.models.tokens.TokenSelection;
import io.svite.models.tokens.TokenSelector;

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
    void aTokenSelectorShortensTheSequenceOfEveryBlock() {
        DeiTConfig config = DeiTConfig.mini().withDepth(2).withTokenSelection(TokenSelection.ratio(0.7));
        try (NDManager m = NDManager.newBaseManager()) {
            DeiT deit = DeiT.of(config);
            deit.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(3, 1, 28, 28));
            TokenSelector selector = deit.tokenSelector().orElseThrow();
            assertEquals(34, selector.keptPatches());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray images = m.randomNormal(new Shape(3, 1, 28, 28));
            for (boolean training : new boolean[] {false, true}) {
                // Block by block: the selector's output (k + 1 tokens) is what every block runs on.
                NDArray x = selector.forward(ps, new NDList(embedded(deit, ps, images)), training).head();
                assertEquals(new Shape(3, 35, 96), x.getShape());
                for (DeiTBlock block : deit.blocks()) {
                    x = block.forward(ps, new NDList(x), training).head();
                    assertEquals(new Shape(3, 35, 96), x.getShape());
                }
                assertEquals(new Shape(3, 35, 96), deit.forwardFeatures(ps, images, training).getShape());
                assertEquals(new Shape(3, 10), deit.forward(ps, new NDList(images), training).head().getShape());
            }
            assertEquals(new Shape(3, 34), deit.keptPatchIndices(ps, images).getShape());
            // The scorer adds D + 1 parameters and nothing else changes.
            DeiT plain = DeiT.of(config.withTokenSelection(null));
            plain.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(3, 1, 28, 28));
            assertEquals(countParameters(plain) + 96 + 1, countParameters(deit));
            assertFalse(plain.tokenSelector().isPresent());
            assertTrue(selector instanceof KeepDense);
        }
    }

    /** What the selector receives: [cls; patches] + pos, recomputed from the model's parameters. */
    private static NDArray embedded(DeiT deit, ParameterStore ps, NDArray images) {
        NDArray patches = deit.patchEmbedding().forward(ps, new NDList(images), false).head();
        Shape s = patches.getShape();
        NDArray cls = patches.getManager().zeros(new Shape(s.get(0), 1, s.get(2))).add(deit.clsToken().getArray());
        return ai.djl.ndarray.NDArrays.concat(new NDList(cls, patches), 1).add(deit.posEmbedding().getArray());
    }

    @Test
    void evaluationWithATokenSelectorIsReproducible() {
        DeiTConfig config = DeiTConfig.mini().withDepth(1).withTokenSelection(TokenSelection.ratio(0.5));
        try (NDManager m = NDManager.newBaseManager()) {
            DeiT deit = DeiT.of(config);
            deit.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(4, 1, 28, 28));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray images = m.randomNormal(new Shape(4, 1, 28, 28));
            float[] first = deit.forward(ps, new NDList(images), false).head().toFloatArray();
            float[] second = deit.forward(ps, new NDList(images), false).head().toFloatArray();
            assertArrayEquals(first, second, 0f);
            assertArrayEquals(
                    deit.keptPatchIndices(ps, images).toLongArray(), deit.keptPatchIndices(ps, images).toLongArray());
        }
    }

    @Test
    void theScorerLearnsAndTrainingWithTokensLeaksNothing() {
        DeiTConfig config =
                DeiTConfig.mini().withDepth(2).withDropPath(0.1).withTokenSelection(TokenSelection.ratio(0.7));
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(config);
            model.setBlock(deit);
            DefaultTrainingConfig tc =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
                            .addTrainingListeners(TemperatureListener.of(4));
            try (Trainer trainer = model.newTrainer(tc)) {
                trainer.initialize(new Shape(4, 1, 28, 28));
                NDManager m = model.getNDManager();
                Parameter scorerWeight = deit.tokenSelector().orElseThrow().scorer().getParameters().valueAt(0);
                assertEquals(new Shape(1, 96), scorerWeight.getArray().getShape());
                int[] counts = new int[4];
                for (int step = 0; step < 4; step++) {
                    float[] before = scorerWeight.getArray().toFloatArray();
                    try (NDManager batch = m.getParentManager().newSubManager()) {
                        NDArray x = batch.randomNormal(new Shape(4, 1, 28, 28));
                        NDArray y = batch.create(new float[] {0, 1, 2, 3});
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray pred = trainer.forward(new NDList(x)).head();
                            NDArray loss = tc.getLossFunction().evaluate(new NDList(y), new NDList(pred));
                            gc.backward(loss);
                        }
                        try (NDArray g = scorerWeight.getArray().getGradient()) {
                            double size = 0;
                            for (float v : g.toFloatArray()) {
                                size += Math.abs(v);
                            }
                            assertTrue(size > 0, "no gradient reached the scorer at step " + step);
                        }
                        trainer.notifyListeners(l -> l.onTrainingBatch(trainer, null));
                        trainer.step();
                    }
                    float[] after = scorerWeight.getArray().toFloatArray();
                    double moved = 0;
                    for (int i = 0; i < after.length; i++) {
                        moved = Math.max(moved, Math.abs(after[i] - before[i]));
                    }
                    assertTrue(moved > 1e-5, "the scorer's weights did not change at step " + step);
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

    private static int arraysLeftByInference(int depth) {
        DeiTConfig config = DeiTConfig.mini().withDepth(depth);
        try (NDManager m = NDManager.newBaseManager()) {
            DeiT deit = DeiT.of(config);
            deit.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 1, 28, 28));
            try (NDManager batch = m.newSubManager()) {
                NDArray x = batch.randomNormal(new Shape(2, 1, 28, 28));
                NDArray y = deit.forward(new ParameterStore(batch, false), new NDList(x), false).head();
                assertEquals(new Shape(2, 10), y.getShape());
                return batch.getManagedArrays().size();
            }
        }
    }

    @Test
    void inferenceFreesEachBlocksIntermediatesSoMemoryDoesNotGrowWithDepth() {
        assertEquals(arraysLeftByInference(2), arraysLeftByInference(6));
    }

    @Test
    void inferenceOutputsAreUnchangedByScoping() {
        DeiTConfig config = DeiTConfig.mini().withDepth(3);
        try (NDManager m = NDManager.newBaseManager()) {
            DeiT deit = DeiT.of(config);
            deit.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 1, 28, 28));
            NDArray x = m.randomNormal(new Shape(2, 1, 28, 28));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray scoped = deit.forward(ps, new NDList(x), false).head();
            // the training path runs the same blocks unscoped (mini has no drop-path, so it computes the same)
            NDArray unscoped = deit.forward(ps, new NDList(x), true).head();
            assertEquals(0f, scoped.sub(unscoped).abs().max().getFloat(), 1e-6f);
        }
    }

    @Test
    void aTrainedPatchGateWithKeptPositionsMovesAndLeaksNothingIntoTheModelManager() {
        java.util.List<Integer> kept = new java.util.ArrayList<>();
        for (int j = 0; j < 49; j += 2) {
            kept.add(j);
        }
        DeiTConfig config = DeiTConfig.mini().withDepth(2).withPatchGates(true).withKeptPositions(kept);
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(config);
            model.setBlock(deit);
            DefaultTrainingConfig tc =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-2f)).build());
            try (Trainer trainer = model.newTrainer(tc)) {
                trainer.initialize(new Shape(4, 1, 28, 28));
                Parameter gate = deit.patchGate().orElseThrow();
                assertEquals(new Shape(25), gate.getArray().getShape());
                assertEquals(new Shape(1, 26, 96), deit.posEmbedding().getArray().getShape());
                gate.freeze(false);
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
                assertEquals(counts[1], counts[3], "arrays accumulated in the model manager");
                float moved = gate.getArray().sub(1f).abs().max().getFloat();
                assertTrue(moved > 1e-4f, "the unfrozen patch gate did not train: " + moved);
            }
        }
    }
}
