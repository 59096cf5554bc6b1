package io.svite.examples.cli;

import io.svite.core.structured.UnitBudget;
import io.svite.core.structured.UnitCriterion;
import io.svite.models.deit.DeiTUnits;
import io.svite.models.methods.S2viteRecipe;
import io.svite.models.methods.SviteRecipe;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The S2ViTE options shared by {@code train} and {@code plan}, and their parsing into an {@link
 * S2viteRecipe} (the one place where these strings become library types). The update schedule
 * comes from the SViTE options ({@code --update-every}, {@code --update-until}, {@code
 * --prune-fraction}, {@code --decay}); {@code --sparsity} adds SViTE masks on the remaining weights.
 */
final class S2viteOptions {

    /** The reference's DeiT-Small "40 %" setting: 4 of 6 heads, 921 of 1536 neurons per block. */
    static final double DEFAULT_HEADS = 0.7;

    /** See {@link #DEFAULT_HEADS}. */
    static final double DEFAULT_NEURONS = 0.6;

    @Option(names = "--heads", paramLabel = "A", description = "S2ViTE: fraction of each block's attention heads kept, in (0, 1]; floor(H·A) heads (default: 0.7).")
    Double heads;

    @Option(names = "--neurons", paramLabel = "O", description = "S2ViTE: fraction of each block's MLP neurons kept, in (0, 1]; floor(M·O) neurons (default: 0.6).")
    Double neurons;

    @Option(names = "--structured-sparsity", paramLabel = "S", description = "S2ViTE: one structured sparsity in [0, 1) instead of --heads/--neurons: every block keeps 1 − S of its heads and of its neurons (or see --structured-distribution) (default: none, --heads and --neurons apply).")
    Double structuredSparsity;

    @Option(names = "--structured-distribution", paramLabel = "KIND", description = "S2ViTE: how --structured-sparsity is shared out: uniform (default) or er (Erdős–Rényi over each block's attention and MLP).")
    String structuredDistribution;

    @Option(names = "--neuron-prune", paramLabel = "KIND", description = "S2ViTE: prune score of neurons: l1 (‖W1[j,:]‖₁ + ‖W2[:,j]‖₁, the paper's; default) or taylor (|∂L/∂g|). Heads are pruned, and everything grown, by the Taylor score.")
    String neuronPrune;

    @Option(names = "--score-window", paramLabel = "N", description = "S2ViTE: batches whose Taylor scores are averaged before each update (default: 10; 1 = the update's batch only, as the reference).")
    Integer scoreWindow;

    @Option(names = "--force-swap", description = "S2ViTE: never grow back a unit pruned in the same update, so every update replaces ⌈α·active⌉ units (default: the just-pruned compete with the inactive units).")
    Boolean forceSwap;

    @Option(names = "--gated-units", description = "S2ViTE: compute every head and neuron in every step, the closed ones multiplied by 0, as the reference code does (default: only the active units between score windows; the same network, see docs/training-cost.md).")
    Boolean gatedUnits;

    @Option(names = "--unit-seed", paramLabel = "N", description = "S2ViTE: seed of the initial active heads and neurons (default: --seed).")
    Long unitSeed;

    /**
     * The S2ViTE recipe these options describe, with the schedule (and, with {@code --sparsity},
     * the SViTE masks) from the SViTE options.
     *
     * @param sparse the SViTE options of the same command
     * @param seed the run's seed, used when no unit or mask seed is given
     * @return the recipe
     * @throws IllegalArgumentException for a bad value or a contradictory combination
     */
    S2viteRecipe recipe(SviteOptions sparse, long seed) {
        SviteRecipe schedule = sparse.recipe(seed);
        SviteRecipe unstructured = null;
        if (sparse.sparsity != null) {
            unstructured = schedule;
        } else if (sparse.distribution != null || sparse.maskSeed != null) {
            throw new IllegalArgumentException(
                    (sparse.distribution != null ? "--distribution" : "--mask-seed")
                            + " applies to SViTE masks, which --method s2vite adds only with --sparsity");
        }
        if (scoreWindow != null && scoreWindow < 1) {
            throw new IllegalArgumentException("--score-window must be >= 1 batch, got " + scoreWindow);
        }
        return new S2viteRecipe(
                budget(),
                schedule.interval(),
                schedule.end(),
                schedule.pruneFraction(),
                schedule.decay(),
                neuronPrune(),
                scoreWindow == null ? io.svite.core.SparseTrainer.DEFAULT_SCORE_WINDOW : scoreWindow,
                forceSwap == null || !forceSwap,
                gatedUnits != null && gatedUnits,
                unitSeed == null ? seed : unitSeed,
                unstructured);
    }

    /**
     * The structured budget: fractions of heads and neurons, or one structured sparsity.
     *
     * @return the budget
     */
    UnitBudget budget() {
        if (structuredSparsity != null) {
            if (heads != null || neurons != null) {
                throw new IllegalArgumentException("give --heads/--neurons or --structured-sparsity, not both");
            }
            double s = structuredSparsity;
            if (!(s >= 0 && s < 1)) {
                throw new IllegalArgumentException("--structured-sparsity must be in [0, 1), got " + s);
            }
            String kind = structuredDistribution == null ? "uniform" : structuredDistribution;
            switch (kind) {
                case "uniform":
                    return UnitBudget.uniform(s);
                case "er":
                    return UnitBudget.erdosRenyi(s);
                default:
                    throw new IllegalArgumentException(
                            "unknown structured distribution '" + kind + "'; use uniform or er");
            }
        }
        if (structuredDistribution != null) {
            throw new IllegalArgumentException("--structured-distribution needs --structured-sparsity");
        }
        double h = fraction("--heads", heads == null ? DEFAULT_HEADS : heads);
        double n = fraction("--neurons", neurons == null ? DEFAULT_NEURONS : neurons);
        return UnitBudget.fractions(Map.of(DeiTUnits.HEADS, h, DeiTUnits.NEURONS, n));
    }

    /**
     * The structured budget for {@code --method ssp}, which shares the budget options but none of
     * the S2ViTE training options.
     *
     * @param method the chosen method, for messages
     * @return the budget
     * @throws IllegalArgumentException naming the first S2ViTE-only option given
     */
    UnitBudget budgetFor(String method) {
        String given = neuronPrune != null ? "--neuron-prune"
                : scoreWindow != null ? "--score-window"
                : forceSwap != null ? "--force-swap"
                : gatedUnits != null ? "--gated-units"
                : unitSeed != null ? "--unit-seed"
                : null;
        if (given != null) {
            throw new IllegalArgumentException(given + " applies to --method s2vite, not --method " + method);
        }
        return budget();
    }

    private UnitCriterion neuronPrune() {
        String kind = neuronPrune == null ? "l1" : neuronPrune;
        switch (kind) {
            case "l1":
                return UnitCriterion.weightL1();
            case "taylor":
                return UnitCriterion.taylor();
            default:
                throw new IllegalArgumentException("unknown neuron prune score '" + kind + "'; use l1 or taylor");
        }
    }

    private static double fraction(String option, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(option + " must be a fraction in (0, 1], got " + value);
        }
        return value;
    }

    /**
     * Refuses S2ViTE options on a method that does not use them.
     *
     * @param method the chosen method
     * @throws IllegalArgumentException naming the first option given
     */
    void requireUnused(String method) {
        List<String> given = new ArrayList<>();
        if (heads != null) {
            given.add("--heads");
        }
        if (neurons != null) {
            given.add("--neurons");
        }
        if (structuredSparsity != null) {
            given.add("--structured-sparsity");
        }
        if (structuredDistribution != null) {
            given.add("--structured-distribution");
        }
        if (neuronPrune != null) {
            given.add("--neuron-prune");
        }
        if (scoreWindow != null) {
            given.add("--score-window");
        }
        if (forceSwap != null) {
            given.add("--force-swap");
        }
        if (gatedUnits != null) {
            given.add("--gated-units");
        }
        if (unitSeed != null) {
            given.add("--unit-seed");
        }
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(given.get(0) + " applies to --method s2vite, not --method " + method);
        }
    }
}
