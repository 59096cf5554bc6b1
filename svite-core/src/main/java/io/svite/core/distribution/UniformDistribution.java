package io.svite.core.distribution;

import ai.djl.ndarray.types.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/** Density 1 − s for every tensor. */
record UniformDistribution(double sparsity) implements SparsityDistribution {

    @Override
    public Map<String, Double> densities(Map<String, Shape> shapes) {
        ErdosRenyiDistribution.checkShapes(shapes);
        Map<String, Double> out = new LinkedHashMap<>();
        shapes.keySet().forEach(name -> out.put(name, 1 - sparsity));
        return out;
    }

    @Override
    public String toString() {
        return "uniform(" + sparsity + ")";
    }
}
