package io.svite.models.cost;

import io.svite.models.deit.DeiTConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What is known before training about a model that a global threshold will prune to sparsity s:
 * its non-zero parameters exactly, its MACs only within bounds.
 *
 * <p>A global threshold keeps exactly K = W − round(s·W) of the W selected weights, so the
 * parameter count is fixed; which layers keep them is decided by the trained weights. A kept
 * weight costs as many MACs as tokens its layer is applied to (N patches for the patch embedding,
 * the T tokens for qkv/proj/fc1/fc2, 1 for the classifier), so the MACs lie between keeping the
 * K weights in the cheapest layers first ({@link #minMacs}) and in the dearest first ({@link
 * #maxMacs}); the attention products and a token scorer are the same either way. {@link
 * #uniformMacs} is the estimate at density 1 − s in every layer, which a plan shows as the
 * central figure, labelled an estimate.
 *
 * @param sparsity s
 * @param params non-zero parameters after pruning (exact)
 * @param minMacs fewest possible MACs per image
 * @param maxMacs most possible MACs per image
 * @param uniformMacs MACs per image at the same density in every layer
 * @param uniform the full cost report at the uniform density (per-layer figures of the estimate)
 */
public record GlobalSparsityCost(
        double sparsity, long params, double minMacs, double maxMacs, double uniformMacs, CostReport uniform) {

    /**
     * The figures for an architecture and a global sparsity.
     *
     * @param config the architecture
     * @param sparsity s in [0, 1)
     * @return the cost figures
     * @throws IllegalArgumentException if s is outside [0, 1)
     */
    public static GlobalSparsityCost of(DeiTConfig config, double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
        CostModel model = CostModel.of(config);
        List<String> names = model.weightLayerNames();
        CostReport dense = model.estimate();
        List<LayerCost> weightLayers = new ArrayList<>();
        double fixed = 0;
        long weights = 0;
        for (LayerCost l : dense.layers()) {
            if (names.contains(l.name())) {
                weightLayers.add(l);
                weights += l.weights();
            } else {
                fixed += l.macs();
            }
        }
        long kept = weights - Math.round(sparsity * weights);
        long params = dense.params() - (weights - kept);
        Comparator<LayerCost> perWeight = Comparator.comparingLong(LayerCost::tokens);
        double min = fixed + fill(weightLayers, perWeight, kept);
        double max = fixed + fill(weightLayers, perWeight.reversed(), kept);
        Map<String, Double> densities = new HashMap<>();
        names.forEach(n -> densities.put(n, 1 - sparsity));
        CostReport uniform = model.estimate(densities);
        return new GlobalSparsityCost(sparsity, params, min, max, uniform.macs(), uniform);
    }

    /** MACs of keeping {@code kept} weights, filling the layers in the given order. */
    private static double fill(List<LayerCost> layers, Comparator<LayerCost> order, long kept) {
        List<LayerCost> sorted = new ArrayList<>(layers);
        sorted.sort(order);
        double macs = 0;
        long left = kept;
        for (LayerCost l : sorted) {
            long take = Math.min(left, l.weights());
            macs += (double) take * l.tokens();
            left -= take;
        }
        return macs;
    }
}
