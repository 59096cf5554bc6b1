package io.svite.models.compact;

import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The same fraction of heads and of neurons in every block.
 *
 * @param heads fraction of heads kept, in (0, 1]
 * @param neurons fraction of MLP neurons kept, in (0, 1]
 */
record UniformFractions(double heads, double neurons) implements StructuredBudget {

    @Override
    public List<BlockShape> shapes(DeiTConfig config) {
        List<BlockShape> shapes = new ArrayList<>(config.depth());
        for (int i = 0; i < config.depth(); i++) {
            shapes.add(
                    new BlockShape(
                            UnitRounding.keep(config.heads(), heads, "head", i),
                            UnitRounding.keep(config.hidden(), neurons, "neuron", i)));
        }
        return shapes;
    }
}
