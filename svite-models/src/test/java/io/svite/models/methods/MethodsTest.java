package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;

import org.junit.jupiter.api.Test;

import java.util.List;

/** The registry: every method at a budget, as an object whose plan keeps about that budget. */
class MethodsTest {

    private static final DeiTConfig MINI = DeiTConfig.mini();

    @Test
    void everyRegisteredMethodIsMadeAtTheBudgetAndPlansNearIt() {
        assertEquals(List.of("dense", "svite", "s2vite", "omp", "gmp", "tp", "ssp", "small-dense", "vit-slim", "vtp"),
                Methods.names());
        TrainRecipe recipe = TrainRecipe.defaults();
        for (String name : Methods.names()) {
            BudgetedMethod at = Methods.at(name, 0.5, MINI, recipe);
            assertEquals(name, at.method().name());
            MethodPlan plan = at.method().plan(MINI);
            double kept = (double) plan.params() / plan.denseParams();
            if (name.equals("dense")) {
                assertEquals(1.0, kept, 0);
            } else {
                // half of the prunable parameters; the rest (embeddings, norms, head) are kept by every method
                assertTrue(kept > 0.45 && kept < 0.56, name + " keeps " + kept + " of the parameters");
            }
        }
        assertInstanceOf(OmpMethod.class, Methods.at("omp", 0.5, MINI, recipe).method());
        assertEquals(List.of("--sparsity", "0.5"), Methods.at("gmp", 0.5, MINI, recipe).options());
        for (BlockShape b : Methods.at("ssp", 0.5, MINI, recipe).method().plan(MINI).architecture().blocks()) {
            assertEquals(new BlockShape(2, 160), b, "2 of 3 heads and 160 of 384 neurons");
        }
    }

    @Test
    void unknownMethodsBadBudgetsAndRecipesTheMethodCannotRunAreRefusedWithTheValue() {
        TrainRecipe oneEpoch = new TrainRecipe("deit-mini", "synthetic", null, 1, 8, 2, 1e-3, 1e-5, 0.05, 0, 0.1, -1, 1,
                null);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Methods.at("magic", 0.5, MINI, oneEpoch));
        assertTrue(e.getMessage().startsWith("unknown method 'magic'; known: dense, svite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Methods.at("svite", 1.5, MINI, oneEpoch));
        assertTrue(e.getMessage().contains("got 1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Methods.at("omp", 0.5, MINI, oneEpoch));
        assertTrue(e.getMessage().contains("omp trains dense, prunes once, then fine-tunes: it needs --epochs 2 or more, got 1"),
                e.getMessage());
        // a custom per-layer scope plans through the scope's own distribution
        PruningPlan custom = PruningPlan.of("gmp", MINI, 0.5, io.svite.core.distribution.PruningScope.perLayer("custom",
                io.svite.core.distribution.SparsityDistribution::uniform));
        PruningPlan uniform = PruningPlan.of("gmp", MINI, 0.5, io.svite.core.distribution.PruningScope.uniform());
        assertEquals(uniform.params(), custom.params());
        assertEquals(uniform.macs(), custom.macs(), 0);
        assertTrue(custom.exact(), "a per-layer scope fixes every density");
    }
}
