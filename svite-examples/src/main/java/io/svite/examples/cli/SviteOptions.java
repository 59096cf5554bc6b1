package io.svite.examples.cli;

import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.schedule.Decay;
import io.svite.models.methods.SviteRecipe;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The SViTE options shared by {@code train} and {@code plan}, and their parsing into library types
 * (the one place where these strings become a distribution or a decay).
 */
final class SviteOptions {

    /** Sparsity of the main job and the default of {@code --sparsity}. */
    static final double DEFAULT_SPARSITY = 0.5;

    @Option(names = "--sparsity", paramLabel = "S", description = "SViTE and the baselines omp, gmp, tp, small-dense: overall sparsity of the masked weights (for small-dense: the sparsity whose parameter budget the shallower model matches), in [0, 1) (default: 0.5).")
    Double sparsity;

    @Option(names = "--distribution", paramLabel = "KIND", description = "SViTE: how the sparsity is spread over layers: erk (Erdős–Rényi-Kernel, default), er (Erdős–Rényi) or uniform.")
    String distribution;

    @Option(names = "--update-every", paramLabel = "STEPS", description = "SViTE: steps between mask updates (default: total steps / 20, i.e. 46 for the 2-epoch mini run).")
    Long interval;

    @Option(names = "--update-until", paramLabel = "STEP", description = "SViTE: no mask updates from this step on (default: 80 %% of the steps).")
    Long end;

    @Option(names = "--prune-fraction", paramLabel = "ALPHA", description = "SViTE: initial fraction of active weights replaced per update, in (0, 1] (default: 0.5).")
    Double pruneFraction;

    @Option(names = "--decay", paramLabel = "KIND", description = "SViTE: decay of the prune fraction: cosine (the paper's, to 0 at the end; default), cosine-floor (the reference code's, to 0.005 over the whole run), linear or constant.")
    String decay;

    @Option(names = "--mask-seed", paramLabel = "N", description = "SViTE: seed of the initial masks (default: --seed).")
    Long maskSeed;

    /**
     * The SViTE recipe these options describe.
     *
     * @param seed the run's seed, used when no mask seed is given
     * @return the recipe
     */
    SviteRecipe recipe(long seed) {
        return new SviteRecipe(
                distribution(),
                interval == null ? 0 : positive("--update-every", interval),
                end == null ? 0 : positive("--update-until", end),
                pruneFraction == null ? 0.5 : pruneFraction,
                decay(),
                maskSeed == null ? seed : maskSeed);
    }

    /**
     * The distribution at the requested sparsity.
     *
     * @return the distribution
     */
    SparsityDistribution distribution() {
        double s = sparsity == null ? DEFAULT_SPARSITY : sparsity;
        String kind = distribution == null ? "erk" : distribution;
        switch (kind) {
            case "erk":
                return SparsityDistribution.erdosRenyiKernel(s);
            case "er":
                return SparsityDistribution.erdosRenyi(s);
            case "uniform":
                return SparsityDistribution.uniform(s);
            default:
                throw new IllegalArgumentException("unknown distribution '" + kind + "'; use erk, er or uniform");
        }
    }

    private Decay decay() {
        String kind = decay == null ? "cosine" : decay;
        switch (kind) {
            case "cosine":
                return Decay.cosine();
            case "cosine-floor":
                return Decay.cosineWithFloor(0.005);
            case "linear":
                return Decay.linear();
            case "constant":
                return Decay.constant();
            default:
                throw new IllegalArgumentException(
                        "unknown decay '" + kind + "'; use cosine, cosine-floor, linear or constant");
        }
    }

    /**
     * The requested sparsity, for the methods that share {@code --sparsity} with SViTE.
     *
     * @return {@code --sparsity}, or its default
     */
    double sparsity() {
        return sparsity == null ? DEFAULT_SPARSITY : sparsity;
    }

    /**
     * Refuses every SViTE option but {@code --sparsity}, for a method that shares only the sparsity.
     *
     * @param method the chosen method
     * @throws IllegalArgumentException naming the first option given
     */
    void requireOnlySparsity(String method) {
        Double shared = sparsity;
        sparsity = null;
        try {
            requireUnused(method);
        } finally {
            sparsity = shared;
        }
    }

    /**
     * Refuses SViTE options on a method that does not use them.
     *
     * @param method the chosen method
     * @throws IllegalArgumentException naming the first option given
     */
    void requireUnused(String method) {
        List<String> given = new ArrayList<>();
        if (sparsity != null) {
            given.add("--sparsity");
        }
        if (distribution != null) {
            given.add("--distribution");
        }
        if (interval != null) {
            given.add("--update-every");
        }
        if (end != null) {
            given.add("--update-until");
        }
        if (pruneFraction != null) {
            given.add("--prune-fraction");
        }
        if (decay != null) {
            given.add("--decay");
        }
        if (maskSeed != null) {
            given.add("--mask-seed");
        }
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(
                    given.get(0) + " applies to --method svite, not --method " + method);
        }
    }

    private static long positive(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + value);
        }
        return value;
    }
}
