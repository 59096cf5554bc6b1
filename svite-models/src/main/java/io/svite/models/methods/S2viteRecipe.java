package io.svite.models.methods;

import io.svite.core.SparseTrainer;
import io.svite.core.schedule.Decay;
import io.svite.core.structured.UnitBudget;
import io.svite.core.structured.UnitCriterion;
import io.svite.models.deit.DeiTUnits;

import java.util.Map;

/**
 * The S2ViTE part of a training recipe (structured dynamic sparse training of heads and neurons),
 * in library types.
 *
 * <p>The schedule follows {@link SviteRecipe}'s short-run defaults: with {@code interval} 0 the
 * active sets are updated every total/20 steps, with {@code end} 0 updates stop at 80 % of the
 * steps.
 *
 * @param budget how many heads and neurons each block keeps
 * @param interval steps between updates, or 0 for total steps / 20
 * @param end the step from which no more updates happen, or 0 for 80 % of the steps
 * @param pruneFraction the initial fraction α of each block's active units replaced per update
 * @param decay how α falls
 * @param neuronPrune how active neurons are scored for pruning (heads: Taylor)
 * @param scoreWindow batches whose Taylor scores are averaged before an update
 * @param regrowPruned whether units pruned in an update may be grown back in the same update
 * @param gatedUnits whether every step computes all units with the closed ones gated to 0 (the
 *     reference's way, for comparison) instead of only the active units between score windows
 * @param seed the seed of the initial active sets
 * @param unstructured SViTE masks on the remaining weights, or null for none
 */
public record S2viteRecipe(
        UnitBudget budget,
        long interval,
        long end,
        double pruneFraction,
        Decay decay,
        UnitCriterion neuronPrune,
        int scoreWindow,
        boolean regrowPruned,
        boolean gatedUnits,
        long seed,
        SviteRecipe unstructured) {

    /** Validates every value and names the bad one. */
    public S2viteRecipe {
        if (budget == null || decay == null || neuronPrune == null) {
            throw new IllegalArgumentException("an S2ViTE recipe needs a budget, a decay and a neuron prune criterion");
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
        if (scoreWindow < 1) {
            throw new IllegalArgumentException("score window must be >= 1 batch, got " + scoreWindow);
        }
    }

    /**
     * The recipe's defaults for a budget: automatic interval and end, α 0.5, the paper's cosine
     * decay, neurons pruned by their weights' L1 norm, the engine's score window, units pruned in
     * an update free to grow back, only the active units computed between score windows, no SViTE
     * masks.
     *
     * @param budget how many heads and neurons each block keeps
     * @param seed the seed of the initial active sets
     * @return the recipe
     */
    public static S2viteRecipe defaults(UnitBudget budget, long seed) {
        return new S2viteRecipe(budget, 0, 0, 0.5, Decay.cosine(), UnitCriterion.weightL1(),
                SparseTrainer.DEFAULT_SCORE_WINDOW, true, false, seed, null);
    }

    /**
     * The recipe's defaults for fractions of each block's heads and neurons.
     *
     * @param heads the fraction of heads kept, in (0, 1]
     * @param neurons the fraction of MLP neurons kept, in (0, 1]
     * @param seed the seed of the initial active sets
     * @return the recipe
     */
    public static S2viteRecipe defaults(double heads, double neurons, long seed) {
        return defaults(UnitBudget.fractions(Map.of(DeiTUnits.HEADS, heads, DeiTUnits.NEURONS, neurons)), seed);
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
     * The engine recipe for a run of {@code totalSteps} steps on a DeiT.
     *
     * @param totalSteps the run's optimizer steps
     * @return the recipe: the units and, with {@code unstructured}, SViTE's masks on the same schedule
     * @throws IllegalArgumentException if the end step is after the run's last step
     */
    public SparseTrainer trainer(long totalSteps) {
        SparseTrainer.Builder b =
                SparseTrainer.builder()
                        .units(DeiTUnits.declaration())
                        .unitBudget(budget)
                        .updateEvery(intervalFor(totalSteps))
                        .totalSteps(totalSteps)
                        .pruneFraction(pruneFraction)
                        .decay(decay)
                        .prune(DeiTUnits.NEURONS, neuronPrune)
                        .scoreWindow(scoreWindow)
                        .regrowPruned(regrowPruned)
                        .unitSeed(seed);
        if (gatedUnits) {
            b.gatedUnits();
        }
        if (unstructured != null) {
            b.distribution(unstructured.distribution()).seed(unstructured.seed());
        }
        if (end > 0) {
            b.until(end);
        }
        return b.build();
    }

}
