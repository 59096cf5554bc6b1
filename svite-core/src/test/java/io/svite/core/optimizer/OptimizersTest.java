package io.svite.core.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

class OptimizersTest {

    @Test
    void defaultsMatchDjlAndResetMoments() {
        StatefulOptimizer adamW = Optimizers.adamW().build();
        assertEquals(MomentumPolicy.RESET, adamW.momentumPolicy());
        assertEquals(List.of("m", "v"), adamW.slotNames());
        assertTrue(adamW.toString().contains("0.9") && adamW.toString().contains("0.01"), adamW.toString());
        assertEquals(List.of("momentum"), Optimizers.sgd().learningRate(0.1f).momentum(0.5f).build().slotNames());
    }

    @Test
    void weightDecaySelectionIsReadFromTheBlockBeforeInitialisation() {
        Block block = OptimizerFixtures.mlp(); // not initialised: ids already exist
        StatefulOptimizer opt = Optimizers.adamW().decayWeightsOnly(block).build();
        int decayed = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            boolean decays = opt.decays(p.getValue().getId());
            assertEquals(p.getKey().endsWith("_weight"), decays, p.getKey());
            decayed += decays ? 1 : 0;
        }
        assertEquals(2, decayed);
        IllegalStateException foreign = assertThrows(IllegalStateException.class, () -> opt.decays("other-id"));
        assertTrue(foreign.getMessage().contains("other-id"), foreign.getMessage());

        Parameter bias = OptimizerFixtures.parameter(block, "01Linear_bias");
        StatefulOptimizer custom = Optimizers.sgd().learningRate(0.1f).decayWhere(block, p -> p == bias).build();
        assertTrue(custom.decays(bias.getId()));
        assertFalse(custom.decays(OptimizerFixtures.parameter(block, "01Linear_weight").getId()));
    }

    @Test
    void rejectsBadSettingsNamingTheValue() {
        assertRejects(() -> Optimizers.adamW().betas(1f, 0.999f), "beta1", "1.0", "[0, 1)");
        assertRejects(() -> Optimizers.adamW().betas(0.9f, -0.1f), "beta2", "-0.1", "[0, 1)");
        assertRejects(() -> Optimizers.adamW().epsilon(0f), "epsilon", "0.0", "> 0");
        assertRejects(() -> Optimizers.adamW().weightDecay(-1f), "weight decay", "-1.0", ">= 0");
        assertRejects(() -> Optimizers.adamW().weightDecay(Float.NaN), "weight decay", "NaN");
        assertRejects(() -> Optimizers.adamW().learningRate(0f), "learning rate", "0.0", "> 0");
        assertRejects(() -> Optimizers.adamW().learningRate(null), "learning rate", "null");
        assertRejects(() -> Optimizers.sgd().momentum(1f), "momentum", "1.0", "[0, 1)");
        assertRejects(() -> Optimizers.sgd().momentumPolicy(null), "momentum policy", "RESET", "KEEP");
        assertRejects(() -> Optimizers.sgd().decayWeightsOnly(null), "block", "null");
        assertRejects(() -> Optimizers.sgd().decayWeightsOnly(new SequentialBlock()), "no parameters");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Optimizers.sgd().build());
        assertTrue(e.getMessage().contains("learningRate"), e.getMessage());
    }

    @Test
    void aNonFiniteLearningRateFailsTheStepWithTheValue() {
        try (NDManager m = NDManager.newBaseManager()) {
            Tracker nanAfterOne = n -> n > 1 ? Float.NaN : 0.1f;
            StatefulOptimizer opt = Optimizers.sgd().learningRate(nanAfterOne).build();
            NDArray w = m.ones(new Shape(2));
            opt.update("w", w, m.ones(new Shape(2)));
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> opt.update("w", w, m.ones(new Shape(2))));
            assertTrue(e.getMessage().contains("step 2") && e.getMessage().contains("NaN"), e.getMessage());
        }
    }

    private static void assertRejects(Executable setter, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, setter);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should mention " + f);
        }
    }
}
