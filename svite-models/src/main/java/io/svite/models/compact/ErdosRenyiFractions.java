package io.svite.models.compact;

import io.svite.core.distribution.ErdosRenyiShares;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * A structured sparsity shared out Erdős–Rényi style over each block's attention and MLP.
 *
 * @param sparsity fraction of the structured weights removed before rounding, in [0, 1)
 */
record ErdosRenyiFractions(double sparsity) implements StructuredBudget {

    @Override
    public List<BlockShape> shapes(DeiTConfig config) {
        double[] f = fractions(config);
        List<BlockShape> shapes = new ArrayList<>(config.depth());
        for (int i = 0; i < config.depth(); i++) {
            shapes.add(
                    new BlockShape(
                            UnitRounding.keep(config.heads(), f[2 * i], "head", i),
                            UnitRounding.keep(config.hidden(), f[2 * i + 1], "neuron", i)));
        }
        return shapes;
    }

    /**
     * The kept fraction of every group before rounding: entry 2i is block i's attention, 2i + 1
     * its MLP.
     */
    double[] fractions(DeiTConfig config) {
        long d = config.width();
        long hd = (long) config.heads() * config.headDim();
        long m = config.hidden();
        int groups = 2 * config.depth();
        double[] weights = new double[groups];
        double[] raw = new double[groups];
        for (int i = 0; i < config.depth(); i++) {
            // attention: qkv (D → 3·H·d) and proj (H·d → D); MLP: fc1 (D → M) and fc2 (M → D)
            weights[2 * i] = 4.0 * d * hd;
            raw[2 * i] = (2.0 * d + 4.0 * hd) / weights[2 * i];
            weights[2 * i + 1] = 2.0 * d * m;
            raw[2 * i + 1] = (2.0 * d + 2.0 * m) / weights[2 * i + 1];
        }
        return ErdosRenyiShares.kept(sparsity, weights, raw);
    }
}
