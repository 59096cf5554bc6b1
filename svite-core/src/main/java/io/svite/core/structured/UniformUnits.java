package io.svite.core.structured;

import java.util.List;

/**
 * Every group keeps 1 − s of its units.
 *
 * @param sparsity the structured sparsity s
 */
record UniformUnits(double sparsity) implements UnitBudget {

    @Override
    public int[] counts(List<UnitGroup> groups) {
        int[] out = new int[groups.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = UnitCounts.keep(groups.get(i), 1 - sparsity);
        }
        return out;
    }

    @Override
    public String toString() {
        return "uniform(" + sparsity + ")";
    }
}
