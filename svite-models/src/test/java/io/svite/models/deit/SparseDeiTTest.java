package io.svite.models.deit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.SparseTrainingConfig;
import io.svite.core.report.UnitGroupReport;
import io.svite.models.tokens.TemperatureListener;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.training.Trainer;

import org.junit.jupiter.api.Test;

/** SViTE + S2ViTE + tokens as one recipe on a DeiT. */
class SparseDeiTTest {

    @Test
    void masksUnitsAndTokensAreOneRecipe() {
        Engine.getInstance().setRandomSeed(3);
        SparseDeiT recipe = SparseDeiT.builder()
                .erdosRenyiKernel(0.5)
                .heads(2.0 / 3)
                .neurons(0.5)
                .tokens(0.5)
                .updateEvery(2)
                .seed(4)
                .build();
        DeiTConfig config = recipe.architecture(DeiTConfig.mini().withDepth(2));
        assertEquals(25, config.tokenSelection().keptPatches(49), "half of the 49 patches, rounded");
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(config);
            model.setBlock(deit);
            SparseTrainingConfig training = recipe.configure(DeiTUnitsTest.adamW(deit), 10);
            assertEquals(1, training.getTrainingListeners().stream().filter(l -> l instanceof TemperatureListener).count(),
                    "the selector's temperature is annealed over the run");
            try (Trainer trainer = model.newTrainer(training)) {
                trainer.initialize(DeiTUnitsTest.input(config, 1));
                double start = deit.tokenSelector().orElseThrow().temperature();
                for (int step = 1; step <= 6; step++) {
                    DeiTUnitsTest.step(trainer, model.getNDManager(), config, step);
                }
                assertNotEquals(start, deit.tokenSelector().orElseThrow().temperature());
                assertEquals(3, training.run().updates(), "updates at 2, 4 and 6, before 0.8 · 10");
                assertEquals(0.5, training.run().report().sparsity(), 1e-3);
                for (UnitGroupReport g : training.run().units().groups()) {
                    assertEquals(g.family().equals("heads") ? 2 : 192, g.active(), g.name());
                }
            }
        }
    }

    @Test
    void aBudgetOnOneFamilyKeepsTheOtherWholeAndTokensAloneAreNoSparseRecipe() {
        SparseDeiT heads = SparseDeiT.builder().heads(2.0 / 3).build();
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(DeiTConfig.mini().withDepth(1));
            model.setBlock(deit);
            deit.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32,
                    DeiTUnitsTest.input(deit.config(), 1));
            assertEquals(java.util.Map.of("block0_attn_heads", 2, "block0_mlp_neurons", 384), heads.trainer().unitCounts(deit));
        }
        assertNull(heads.tokens());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SparseDeiT.builder().tokens(0.7).build());
        assertTrue(e.getMessage().startsWith("nothing to make sparse"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SparseDeiT.builder().tokens(1.5));
    }
}
