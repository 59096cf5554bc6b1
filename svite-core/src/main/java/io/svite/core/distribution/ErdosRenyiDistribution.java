package io.svite.core.distribution;

import ai.djl.ndarray.types.Shape;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Erdős–Rényi (first two dimensions) or Erdős–Rényi-Kernel (all dimensions) densities with the
 * dense-fallback loop.
 *
 * <p>raw_l = (Σ dims) / (Π dims); with D the set of dense tensors, ε = ((1 − s) Σ_l N_l − Σ_{l∈D}
 * N_l) / Σ_{l∉D} raw_l N_l and density_l = ε raw_l. While some ε raw_l exceeds 1, the tensors with
 * the largest raw_l (ties within a relative 1e-12) join D.
 */
record ErdosRenyiDistribution(double sparsity, boolean kernel) implements SparsityDistribution {

    private static final double TIE = 1e-12;

    @Override
    public Map<String, Double> densities(Map<String, Shape> shapes) {
        checkShapes(shapes);
        Map<String, Double> raw = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            raw.put(e.getKey(), raw(e.getValue()));
            total += e.getValue().size();
        }
        double budget = (1 - sparsity) * total;
        Set<String> dense = new HashSet<>();
        double epsilon;
        while (true) {
            double denseEntries = 0;
            double weighted = 0;
            double maxRaw = 0;
            for (Map.Entry<String, Shape> e : shapes.entrySet()) {
                if (dense.contains(e.getKey())) {
                    denseEntries += e.getValue().size();
                } else {
                    double r = raw.get(e.getKey());
                    weighted += r * e.getValue().size();
                    maxRaw = Math.max(maxRaw, r);
                }
            }
            if (weighted == 0) {
                epsilon = 0; // everything is dense (only at sparsity 0)
                break;
            }
            epsilon = (budget - denseEntries) / weighted;
            if (epsilon * maxRaw <= 1) {
                break;
            }
            for (String name : shapes.keySet()) {
                if (!dense.contains(name) && raw.get(name) >= maxRaw * (1 - TIE)) {
                    dense.add(name);
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String name : shapes.keySet()) {
            out.put(name, dense.contains(name) ? 1.0 : Math.min(1.0, epsilon * raw.get(name)));
        }
        return out;
    }

    private double raw(Shape shape) {
        int dims = kernel ? shape.dimension() : Math.min(2, shape.dimension());
        double sum = 0;
        double product = 1;
        for (int i = 0; i < dims; i++) {
            sum += shape.get(i);
            product *= shape.get(i);
        }
        return sum / product;
    }

    static void checkShapes(Map<String, Shape> shapes) {
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("no tensors to distribute the sparsity over");
        }
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            if (e.getValue().dimension() == 0 || e.getValue().size() <= 0) {
                throw new IllegalArgumentException(
                        "tensor " + e.getKey() + " has shape " + e.getValue() + "; it needs at least one entry");
            }
        }
    }

    @Override
    public String toString() {
        return (kernel ? "erdos-renyi-kernel(" : "erdos-renyi(") + sparsity + ")";
    }
}
