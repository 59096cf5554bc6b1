package io.svite.core.optimizer;

import static io.svite.core.optimizer.OptimizerFixtures.assertBitIdentical;
import static io.svite.core.optimizer.OptimizerFixtures.copyParameters;
import static io.svite.core.optimizer.OptimizerFixtures.train;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import org.junit.jupiter.api.Test;

import java.util.List;

class SgdOptimizerTest {

    private static final Tracker DECAYING = n -> 0.1f / n;

    @Test
    void matchesDjlSgdBitForBitWithAndWithoutMomentum() {
        for (float momentum : new float[] {0f, 0.9f}) {
            try (NDManager m = NDManager.newBaseManager()) {
                Block expected = OptimizerFixtures.initialisedMlp(m);
                Block actual = OptimizerFixtures.initialisedMlp(m);
                copyParameters(expected, actual);
                Optimizer djl =
                        Optimizer.sgd()
                                .setLearningRateTracker(DECAYING)
                                .optMomentum(momentum)
                                .optWeightDecays(1e-2f)
                                .build();
                StatefulOptimizer own =
                        Optimizers.sgd()
                                .learningRate(DECAYING)
                                .momentum(momentum)
                                .weightDecay(1e-2f)
                                .build();
                train(djl, expected, 0, 5, m);
                train(own, actual, 0, 5, m);
                List<Parameter> e = expected.getParameters().values();
                List<Parameter> a = actual.getParameters().values();
                for (int i = 0; i < e.size(); i++) {
                    assertBitIdentical(e.get(i).getArray(), a.get(i).getArray(), "μ=" + momentum + " parameter " + i);
                }
                assertEquals(momentum == 0f ? 0 : 1, own.slotNames().size());
            }
        }
    }

    @Test
    void momentumFollowsTheKernelsFormula() {
        try (NDManager m = NDManager.newBaseManager()) {
            StatefulOptimizer sgd = Optimizers.sgd().learningRate(0.1f).momentum(0.9f).build();
            NDArray w = m.create(new float[] {1f, 2f});
            sgd.update("w", w, m.create(new float[] {1f, -1f}));
            sgd.update("w", w, m.create(new float[] {1f, -1f}));
            // b1 = 0.1·g, b2 = 0.9·b1 + 0.1·g = 0.19·g; w = w0 − b1 − b2.
            float[] b = sgd.state("w", w.getDevice()).get(0).toFloatArray();
            assertEquals(0.19f, b[0], 1e-6f);
            assertEquals(-0.19f, b[1], 1e-6f);
            float[] now = w.toFloatArray();
            assertEquals(1f - 0.29f, now[0], 1e-6f);
            assertEquals(2f + 0.29f, now[1], 1e-6f);
        }
    }

    @Test
    void resetZeroesTheMomentumOfChangedEntriesAndKeepLeavesIt() {
        for (MomentumPolicy policy : MomentumPolicy.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                StatefulOptimizer sgd =
                        Optimizers.sgd().learningRate(0.1f).momentum(0.9f).momentumPolicy(policy).build();
                assertEquals(policy, sgd.momentumPolicy());
                NDArray w = OptimizerFixtures.pattern(m, new Shape(4), 1);
                sgd.update("w", w, OptimizerFixtures.pattern(m, new Shape(4), 2));
                NDArray b = sgd.state("w", w.getDevice()).get(0);
                float[] before = b.toFloatArray();
                sgd.onMaskUpdate(
                        "w", w.getDevice(), m.create(new float[] {0, 1, 0, 0}), m.create(new float[] {0, 0, 1, 0}));
                float[] after = b.toFloatArray();
                for (int j = 0; j < 4; j++) {
                    assertNotEquals(0f, before[j]);
                    boolean changed = j == 1 || j == 2;
                    float expected = policy == MomentumPolicy.RESET && changed ? 0f : before[j];
                    assertEquals(expected, after[j], "momentum[" + j + "] under " + policy);
                }
            }
        }
    }

    @Test
    void decayWeightsOnlyLeavesBiasesAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = OptimizerFixtures.initialisedMlp(m);
            StatefulOptimizer sgd =
                    Optimizers.sgd().learningRate(0.1f).weightDecay(0.5f).decayWeightsOnly(block).build();
            Parameter weight = OptimizerFixtures.parameter(block, "01Linear_weight");
            Parameter bias = OptimizerFixtures.parameter(block, "01Linear_bias");
            float[] w0 = weight.getArray().toFloatArray();
            NDArray b0 = bias.getArray().duplicate();
            sgd.update(weight.getId(), weight.getArray(), weight.getArray().zerosLike());
            sgd.update(bias.getId(), bias.getArray(), bias.getArray().zerosLike());
            assertBitIdentical(b0, bias.getArray(), "bias");
            float[] w1 = weight.getArray().toFloatArray();
            for (int j = 0; j < w0.length; j++) {
                assertEquals(w0[j] * (1 - 0.1f * 0.5f), w1[j], Math.abs(w0[j]) * 1e-6f);
            }
            assertTrue(sgd.state(weight.getId(), weight.getArray().getDevice()).isEmpty());
        }
    }
}
