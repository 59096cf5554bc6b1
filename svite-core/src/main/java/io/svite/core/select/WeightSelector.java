package io.svite.core.select;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.AbstractEmbedding;
import ai.djl.util.Pair;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The default selection: trainable 2-D/4-D weights outside dense-by-design owners. */
public final class WeightSelector implements ParameterSelector {

    static final WeightSelector INSTANCE = new WeightSelector();

    private WeightSelector() {}

    @Override
    public Map<String, Parameter> select(Block block) {
        Set<String> denseByOwner = new HashSet<>();
        collectDenseOwned(block, false, denseByOwner);
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            if (param.getType() != Parameter.Type.WEIGHT
                    || !param.requiresGradient()
                    || denseByOwner.contains(param.getId())) {
                continue;
            }
            int dims = shapeOf(p.getKey(), param).dimension();
            if (dims == 2 || dims == 4) {
                out.put(p.getKey(), param);
            }
        }
        return out;
    }

    public static ai.djl.ndarray.types.Shape shapeOf(String name, Parameter param) {
        if (param.getShape() != null) {
            return param.getShape();
        }
        if (param.isInitialized()) {
            return param.getArray().getShape();
        }
        throw new IllegalStateException(
                "parameter " + ParameterNames.display(name) + " has no shape yet; initialise the block first");
    }

    private static void collectDenseOwned(Block block, boolean inherited, Set<String> out) {
        boolean dense = inherited || block instanceof KeepDense || block instanceof AbstractEmbedding;
        if (dense) {
            block.getDirectParameters().values().forEach(p -> out.add(p.getId()));
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collectDenseOwned(child.getValue(), dense, out);
        }
    }

    @Override
    public String toString() {
        return "weights";
    }
}
