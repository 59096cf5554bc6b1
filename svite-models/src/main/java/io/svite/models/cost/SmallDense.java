package io.svite.models.cost;

import io.svite.models.deit.DeiTConfig;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Small-Dense baseline's architecture: a shallower dense DeiT with about as many parameters as
 * a sparse model of the full depth keeps.
 *
 * <p>The budget of a sparsity s is the non-zero parameter count of {@code config} when its weight
 * layers (patch embedding, qkv, proj, fc1, fc2, classifier — the tensors SViTE and the pruning
 * baselines make sparse) carry density 1 − s and every other parameter stays dense: Σ round((1 −
 * s)·N_l) + dense parameters. It does not depend on how the sparsity is spread over the layers.
 * A dense DeiT of depth d has P(d) = P₀ + d·P_block parameters; {@link DepthRule} picks d in 1 …
 * depth.
 */
public final class SmallDense {

    private SmallDense() {}

    /**
     * Non-zero parameters of {@code config} at overall sparsity s of its weight layers.
     *
     * @param config the full-depth architecture
     * @param sparsity s in [0, 1)
     * @return the parameter budget
     * @throws IllegalArgumentException if s is outside [0, 1)
     */
    public static long budget(DeiTConfig config, double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
        CostModel model = CostModel.of(config);
        Map<String, Double> densities = new HashMap<>();
        model.weightLayerNames().forEach(name -> densities.put(name, 1 - sparsity));
        return model.estimate(densities).params();
    }

    /**
     * The depth for a parameter budget.
     *
     * @param config the full-depth architecture (its width, heads, MLP ratio, classes are kept)
     * @param budget the parameter budget
     * @param rule nearest or at most
     * @return the depth, 1 … {@code config.depth()}
     * @throws IllegalArgumentException under {@link DepthRule#AT_MOST} if even one block exceeds
     *     the budget
     */
    public static int depthForBudget(DeiTConfig config, long budget, DepthRule rule) {
        int best = 0;
        long bestGap = Long.MAX_VALUE;
        for (int d = 1; d <= config.depth(); d++) {
            long params = denseParams(config, d);
            if (rule == DepthRule.AT_MOST) {
                if (params <= budget) {
                    best = d;
                }
            } else {
                long gap = Math.abs(params - budget);
                if (gap < bestGap) {
                    best = d;
                    bestGap = gap;
                }
            }
        }
        if (best == 0) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "a budget of %,d parameters is below the %,d of a one-block model of this width;"
                                    + " lower the sparsity or use --depth-rule nearest",
                            budget,
                            denseParams(config, 1)));
        }
        return best;
    }

    /**
     * The depth for the budget of a sparsity.
     *
     * @param config the full-depth architecture
     * @param sparsity s in [0, 1)
     * @param rule nearest or at most
     * @return the depth
     * @throws IllegalArgumentException for a sparsity outside [0, 1) or a budget below one block
     */
    public static int depth(DeiTConfig config, double sparsity, DepthRule rule) {
        return depthForBudget(config, budget(config, sparsity), rule);
    }

    /**
     * The Small-Dense architecture: {@code config} with the depth for the budget of a sparsity.
     *
     * @param config the full-depth architecture
     * @param sparsity s in [0, 1)
     * @param rule nearest or at most
     * @return the shallower dense configuration
     */
    public static DeiTConfig config(DeiTConfig config, double sparsity, DepthRule rule) {
        return config.withDepth(depth(config, sparsity, rule));
    }

    /**
     * Parameters of the dense model of {@code config}'s shape at depth d (a token scorer included).
     *
     * @param config the architecture
     * @param depth d ≥ 1
     * @return P(d)
     */
    public static long denseParams(DeiTConfig config, int depth) {
        return CostModel.of(config.withDepth(depth)).estimate().params();
    }
}
