package io.svite.models.methods;

import io.svite.core.SparseTrainer;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.schedule.Decay;

/**
 * The SViTE part of a training recipe (unstructured dynamic sparse training), in library types.
 *
 * <p>The defaults fit a short run: with {@code interval} 0 the masks are updated every total/20
 * steps (every 46 steps for the 938 steps of the 2-epoch deit-mini main job), with {@code end} 0
 * updates stop at 80 % of the steps, as in the paper.
 *
 * @param distribution how the overall sparsity is spread over the layers
 * @param interval steps between mask updates, or 0 for total steps / 20
 * @param end the step from which no more updates happen, or 0 for 80 % of the steps
 * @param pruneFraction the initial fraction α of active weights replaced per update
 * @param decay how α falls
 * @param seed the seed of the initial masks
 */
public record SviteRecipe(
        SparsityDistribution distribution, long interval, long end, double pruneFraction, Decay decay, long seed) {

    /** Validates every value and names the bad one. */
    public SviteRecipe {
        if (distribution == null || decay == null) {
            throw new IllegalArgumentException("a SViTE recipe needs a distribution and a decay");
        }
        if (interval < 0) {
            throw new IllegalArgumentException("update interval must be >= 1 step (or 0 for automatic), got " + interval);
        }
        if (end < 0) {
            throw new IllegalArgumentException("update end step must be >= 1 (or 0 for 80 % of the steps), got " + end);
        }
        if (!(pruneFraction > 0 && pruneFraction <= 1)) {
            throw new IllegalArgumentException("prune fraction must be in (0, 1], got " + pruneFraction);
        }
    }

    /**
     * The recipe's defaults at a sparsity: Erdős–Rényi-Kernel, automatic interval and end, α 0.5,
     * the paper's cosine decay.
     *
     * @param sparsity the overall sparsity in [0, 1)
     * @param seed the mask seed
     * @return the recipe
     */
    public static SviteRecipe defaults(double sparsity, long seed) {
        return new SviteRecipe(SparsityDistribution.erdosRenyiKernel(sparsity), 0, 0, 0.5, Decay.cosine(), seed);
    }

    /**
     * The interval used for a run of {@code totalSteps} steps.
     *
     * @param totalSteps the run's optimizer steps
     * @return {@code interval}, or max(1, total / 20) when automatic
     */
    public long intervalFor(long totalSteps) {
        return interval > 0 ? interval : Math.max(1, totalSteps / 20);
    }

    /**
     * The engine recipe for a run of {@code totalSteps} steps.
     *
     * @param totalSteps the run's optimizer steps
     * @return the sparse trainer
     * @throws IllegalArgumentException if the end step is after the run's last step
     */
    public SparseTrainer trainer(long totalSteps) {
        SparseTrainer.Builder b =
                SparseTrainer.builder()
                        .distribution(distribution)
                        .updateEvery(intervalFor(totalSteps))
                        .totalSteps(totalSteps)
                        .pruneFraction(pruneFraction)
                        .decay(decay)
                        .seed(seed);
        if (end > 0) {
            b.until(end);
        }
        return b.build();
    }
}
