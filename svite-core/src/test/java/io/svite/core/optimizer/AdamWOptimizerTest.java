package io.svite.core.optimizer;

import static io.svite.core.optimizer.OptimizerFixtures.copyParameters;
import static io.svite.core.optimizer.OptimizerFixtures.parameterBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import org.junit.jupiter.api.Test;

import java.util.List;

class AdamWOptimizerTest {

    private static final Tracker DECAYING = n -> 0.05f / n;

    @Test
    void matchesDjlAdamWBitForBitThroughATrainer() {
        Optimizer djl =
                Optimizer.adamW()
                        .optLearningRateTracker(DECAYING)
                        .optWeightDecays(0.05f)
                        .optBeta1(0.8f)
                        .optBeta2(0.99f)
                        .optEpsilon(1e-6f)
                        .build();
        Optimizer own =
                Optimizers.adamW()
                        .learningRate(DECAYING)
                        .weightDecay(0.05f)
                        .betas(0.8f, 0.99f)
                        .epsilon(1e-6f)
                        .build();
        try (Model a = Model.newInstance("djl");
                Model b = Model.newInstance("own")) {
            a.setBlock(OptimizerFixtures.mlp());
            b.setBlock(OptimizerFixtures.mlp());
            try (Trainer ta = trainer(a, djl);
                    Trainer tb = trainer(b, own)) {
                copyParameters(a.getBlock(), b.getBlock());
                List<int[]> initial = parameterBits(a.getBlock());
                for (int step = 0; step < 6; step++) {
                    trainStep(ta, step);
                    trainStep(tb, step);
                }
                List<int[]> expected = parameterBits(a.getBlock());
                List<int[]> actual = parameterBits(b.getBlock());
                for (int i = 0; i < expected.size(); i++) {
                    assertFalse(
                            java.util.Arrays.equals(initial.get(i), expected.get(i)),
                            "parameter " + i + " must have moved");
                    assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i);
                }
            }
        }
    }

    @Test
    void decaysWeightsButNotBiasesNormsOrOtherParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = OptimizerFixtures.initialisedMlp(m);
            List<int[]> before = parameterBits(block);
            StatefulOptimizer deit =
                    Optimizers.adamW()
                            .learningRate(0.1f)
                            .weightDecay(0.5f)
                            .decayWeightsOnly(block)
                            .build();
            // A zero gradient leaves m = v = 0, so the only change is the decay w·(1 − η·λ).
            for (var p : block.getParameters()) {
                NDArray w = p.getValue().getArray();
                deit.update(p.getValue().getId(), w, w.zerosLike());
            }
            int i = 0;
            for (var p : block.getParameters()) {
                float[] now = p.getValue().getArray().toFloatArray();
                int[] was = before.get(i++);
                boolean weight = p.getValue().getType() == Parameter.Type.WEIGHT;
                assertEquals(weight, deit.decays(p.getValue().getId()), p.getKey());
                for (int j = 0; j < now.length; j++) {
                    float old = Float.intBitsToFloat(was[j]);
                    if (weight) {
                        assertEquals(old * 0.95f, now[j], Math.abs(old) * 1e-6f, p.getKey());
                    } else {
                        assertEquals(was[j], Float.floatToRawIntBits(now[j]), p.getKey() + " decayed");
                    }
                }
            }
            // Without the selection every parameter decays (DJL's behaviour), biases included.
            Block again = OptimizerFixtures.initialisedMlp(m);
            Parameter bias = OptimizerFixtures.parameter(again, "01Linear_bias");
            float[] b0 = bias.getArray().toFloatArray();
            StatefulOptimizer all = Optimizers.adamW().learningRate(0.1f).weightDecay(0.5f).build();
            all.update(bias.getId(), bias.getArray(), bias.getArray().zerosLike());
            assertEquals(b0[0] * 0.95f, bias.getArray().toFloatArray()[0], Math.abs(b0[0]) * 1e-6f);
        }
    }

    @Test
    void regrownEntriesHaveZeroMomentsUnderResetAndUnchangedUnderKeep() {
        for (MomentumPolicy policy : MomentumPolicy.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                StatefulOptimizer opt =
                        Optimizers.adamW().learningRate(0.01f).momentumPolicy(policy).build();
                NDArray w = OptimizerFixtures.pattern(m, new Shape(2, 3), 1);
                for (int s = 0; s < 3; s++) {
                    opt.update("w", w, OptimizerFixtures.pattern(m, new Shape(2, 3), 5 + s));
                }
                NDList state = opt.state("w", w.getDevice());
                assertEquals(List.of("m", "v"), List.of(state.get(0).getName(), state.get(1).getName()));
                float[] m0 = state.get(0).toFloatArray();
                float[] v0 = state.get(1).toFloatArray();
                NDArray pruned = m.create(new float[] {1, 0, 0, 0, 0, 0}, new Shape(2, 3));
                NDArray grown = m.create(new float[] {0, 0, 0, 0, 0, 1}, new Shape(2, 3));
                opt.onMaskUpdate("w", w.getDevice(), pruned, grown);
                float[] m1 = state.get(0).toFloatArray();
                float[] v1 = state.get(1).toFloatArray();
                for (int j = 0; j < 6; j++) {
                    assertNotEquals(0f, m0[j], "moment must be non-zero before the update");
                    boolean changed = j == 0 || j == 5;
                    if (policy == MomentumPolicy.RESET && changed) {
                        assertEquals(0f, m1[j], "m[" + j + "]");
                        assertEquals(0f, v1[j], "v[" + j + "]");
                    } else {
                        assertEquals(m0[j], m1[j], "m[" + j + "] must be untouched");
                        assertEquals(v0[j], v1[j], "v[" + j + "] must be untouched");
                    }
                }
                // The regrown entry then starts like a fresh parameter: m = (1 − β₁)·g.
                NDArray g = OptimizerFixtures.pattern(m, new Shape(2, 3), 9);
                float g5 = g.toFloatArray()[5];
                opt.update("w", w, g);
                float m5 = opt.state("w", w.getDevice()).get(0).toFloatArray()[5];
                if (policy == MomentumPolicy.RESET) {
                    assertEquals(0.1f * g5, m5, 1e-7f);
                } else {
                    assertEquals(0.9f * m0[5] + 0.1f * g5, m5, 1e-6f);
                }
            }
        }
    }

    private static Trainer trainer(Model model, Optimizer optimizer) {
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.l2Loss())
                        .optOptimizer(optimizer)
                        .optDevices(new Device[] {Device.cpu()});
        Trainer trainer = model.newTrainer(config);
        trainer.initialize(OptimizerFixtures.INPUT);
        return trainer;
    }

    private static void trainStep(Trainer trainer, int step) {
        try (NDManager batch = trainer.getManager().newSubManager()) {
            NDArray x = OptimizerFixtures.pattern(batch, OptimizerFixtures.INPUT, step + 1);
            NDArray y = OptimizerFixtures.pattern(batch, new Shape(4, 3), step + 7);
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray pred = trainer.forward(new NDList(x)).head();
                gc.backward(trainer.getLoss().evaluate(new NDList(y), new NDList(pred)));
            }
            trainer.step();
        }
    }
}
