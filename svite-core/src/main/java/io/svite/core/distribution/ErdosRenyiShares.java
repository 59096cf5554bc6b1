package io.svite.core.distribution;


import java.util.Arrays;

/**
 * The Erdős–Rényi share-out of a structured budget over groups of weights, with the dense-fallback
 * loop: the kept fraction of group g is f_g = ε · raw_g, where raw_g = (Σ fan-in + fan-out) / size_g
 * and ε spends (1 − s) · Σ size_g; groups whose ε · raw_g would exceed 1 are kept whole and ε is
 * solved again for the rest.
 *
 * <p>Shared by the core's {@code UnitBudget.erdosRenyi} over declared unit groups and by a model's
 * own budgets that know their shapes without parameters.
 */
public final class ErdosRenyiShares {

    private ErdosRenyiShares() {}

    /**
     * The kept fraction of every group, before any rounding to whole units.
     *
     * @param sparsity the overall structured sparsity s in [0, 1)
     * @param sizes the number of weights of every group, each &gt; 0
     * @param raw every group's raw_g = (sum of its weight matrices' dimensions) / size_g
     * @return f_g in (0, 1] per group, 1 for groups kept whole
     */
    public static double[] kept(double sparsity, double[] sizes, double[] raw) {
        int n = sizes.length;
        double budget = (1 - sparsity) * Arrays.stream(sizes).sum();
        boolean[] whole = new boolean[n];
        double[] f = new double[n];
        while (true) {
            double kept = 0;
            double scaled = 0;
            for (int g = 0; g < n; g++) {
                if (whole[g]) {
                    kept += sizes[g];
                } else {
                    scaled += raw[g] * sizes[g];
                }
            }
            if (scaled == 0) {
                Arrays.fill(f, 1.0);
                return f;
            }
            double eps = (budget - kept) / scaled;
            boolean changed = false;
            for (int g = 0; g < n; g++) {
                if (!whole[g] && eps * raw[g] > 1) {
                    whole[g] = true;
                    changed = true;
                }
            }
            if (!changed) {
                for (int g = 0; g < n; g++) {
                    f[g] = whole[g] ? 1.0 : eps * raw[g];
                }
                return f;
            }
        }
    }
}
