package io.svite.models.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.deit.DeiTConfig;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

class GlobalSparsityCostTest {

    @Test
    void parametersAreExactAndEveryAllocationsMacsLieWithinTheBounds() {
        DeiTConfig config = DeiTConfig.mini();
        CostModel model = CostModel.of(config);
        GlobalSparsityCost g = GlobalSparsityCost.of(config, 0.5);
        long weights = model.estimate().layers().stream()
                .filter(l -> model.weightLayerNames().contains(l.name())).mapToLong(LayerCost::weights).sum();
        assertEquals(model.denseParams() - Math.round(0.5 * weights), g.params());
        assertTrue(g.minMacs() < g.uniformMacs() && g.uniformMacs() < g.maxMacs(), g.toString());
        assertEquals(g.uniformMacs(), g.uniform().macs());

        // any allocation of the same kept weights lands inside [min, max]: e.g. the head and the
        // patch embedding dense, the blocks paying for them
        Map<String, Double> skewed = new HashMap<>();
        long blockWeights = 0;
        for (LayerCost l : model.estimate().layers()) {
            if (l.name().startsWith("block") && model.weightLayerNames().contains(l.name())) {
                blockWeights += l.weights();
            }
        }
        long kept = weights - Math.round(0.5 * weights);
        long other = weights - blockWeights;
        double blockDensity = (double) (kept - other) / blockWeights;
        for (String name : model.weightLayerNames()) {
            skewed.put(name, name.startsWith("block") ? blockDensity : 1.0);
        }
        double macs = model.estimate(skewed).macs();
        assertTrue(macs >= g.minMacs() - 1 && macs <= g.maxMacs() + 1, macs + " outside " + g);

        // no sparsity: one allocation only
        GlobalSparsityCost none = GlobalSparsityCost.of(config, 0);
        assertEquals(model.dense().macs(), none.minMacs(), 1e-6);
        assertEquals(model.dense().macs(), none.maxMacs(), 1e-6);
        assertEquals(model.denseParams(), none.params());
    }
}
