package io.svite.core.structured;

import io.svite.core.distribution.ErdosRenyiShares;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A structured sparsity shared out Erdős–Rényi style over the unit groups.
 *
 * @param sparsity the structured sparsity s
 */
record ErdosRenyiUnits(double sparsity) implements UnitBudget {

    @Override
    public int[] counts(List<UnitGroup> groups) {
        double[] f = fractions(groups);
        int[] out = new int[groups.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = UnitCounts.keep(groups.get(i), f[i]);
        }
        return out;
    }

    /** The kept fraction of every group before rounding. */
    double[] fractions(List<UnitGroup> groups) {
        int n = groups.size();
        double[] weights = new double[n];
        double[] raw = new double[n];
        for (int g = 0; g < n; g++) {
            double sumDims = 0;
            double size = 0;
            for (Parameter p : weightParameters(groups.get(g))) {
                Shape s = shapeOf(p);
                sumDims += s.get(0) + s.get(1);
                size += s.size();
            }
            if (size == 0) {
                throw new IllegalArgumentException(
                        "unit group " + groups.get(g).name() + " has no weight slices (2-D or larger WEIGHT"
                                + " parameters), so an Erdős–Rényi budget cannot size it; use fractions or uniform");
            }
            weights[g] = size;
            raw[g] = sumDims / size;
        }
        return ErdosRenyiShares.kept(sparsity, weights, raw);
    }

    private static Set<Parameter> weightParameters(UnitGroup group) {
        Set<Parameter> out = new LinkedHashSet<>();
        for (List<UnitSlice> slices : List.of(group.inputs(), group.outputs())) {
            for (UnitSlice s : slices) {
                if (s.parameter().getType() == Parameter.Type.WEIGHT && s.shape().dimension() >= 2) {
                    out.add(s.parameter());
                }
            }
        }
        return out;
    }

    private static Shape shapeOf(Parameter p) {
        return new UnitSlice(p, 0, 1, 1).shape();
    }

    @Override
    public String toString() {
        return "erdos-renyi(" + sparsity + ")";
    }
}
