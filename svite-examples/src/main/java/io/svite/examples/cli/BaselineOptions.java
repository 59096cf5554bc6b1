package io.svite.examples.cli;

import io.svite.core.distribution.PruningScope;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.models.cost.DepthRule;
import io.svite.models.methods.EpochSplit;
import io.svite.models.methods.GmpMethod;
import io.svite.models.methods.GradualPruning;
import io.svite.models.methods.OmpMethod;
import io.svite.models.methods.SmallDenseMethod;
import io.svite.models.methods.TaylorMethod;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of the baselines {@code omp}, {@code gmp}, {@code tp} and {@code small-dense},
 * shared by {@code train} and {@code plan}, and their parsing into library types (the one place
 * where these strings become scopes, schedules and depth rules). The target sparsity is SViTE's
 * {@code --sparsity}. Each option is refused, naming the methods it applies to, when the chosen
 * method does not use it.
 */
final class BaselineOptions {

    /** The methods these options build. */
    static final List<String> METHODS = List.of("omp", "gmp", "tp", "small-dense");

    @Option(names = "--scope", paramLabel = "KIND", description = "omp, gmp, tp: how pruned weights are ranked: global (one threshold over all masked weights; default of omp and tp), uniform (every layer to the same sparsity; default of gmp), erk or er (per-layer densities from Erdős–Rényi(-Kernel)).")
    String scope;

    @Option(names = "--dense-epochs", paramLabel = "N", description = "omp, ssp, tp --tp-mode one-shot: epochs of dense training before the one-shot pruning; the rest of --epochs fine-tunes with the mask fixed (default: half of --epochs, rounded down).")
    Integer denseEpochs;

    @Option(names = "--prune-start", paramLabel = "F", description = "gmp, tp --tp-mode gradual: fraction of the steps where the cubic schedule starts (default: 1/6).")
    Double pruneStart;

    @Option(names = "--prune-end", paramLabel = "F", description = "gmp, tp --tp-mode gradual: fraction of the steps where the last pruning event reaches --sparsity (default: 0.5).")
    Double pruneEnd;

    @Option(names = "--prune-events", paramLabel = "N", description = "gmp, tp --tp-mode gradual: number of pruning events (default: 20).")
    Integer pruneEvents;

    @Option(names = "--initial-sparsity", paramLabel = "S", description = "gmp, tp --tp-mode gradual: the sparsity the cubic schedule starts from (default: 0).")
    Double initialSparsity;

    @Option(names = "--tp-mode", paramLabel = "MODE", description = "tp: gradual (on the cubic schedule; default) or one-shot (after --dense-epochs of dense training, then fine-tuning).")
    String tpMode;

    @Option(names = "--tp-window", paramLabel = "BATCHES", description = "tp: batches whose |w·g| are summed before each pruning event, bounded by the previous event (default: one epoch).")
    Long scoreWindow;

    @Option(names = "--depth-rule", paramLabel = "RULE", description = "small-dense: nearest (the depth whose parameters are nearest the budget of --sparsity; default) or at-most (the deepest within it).")
    String depthRule;

    /**
     * The training method, for one of {@link #METHODS}.
     *
     * @param method the method's name
     * @param sparsity the target sparsity (from {@code --sparsity})
     * @param recipe the common recipe (its epochs are split by the one-shot methods)
     * @return the method
     * @throws IllegalArgumentException for an option of another method or a bad value
     */
    TrainingMethod method(String method, double sparsity, TrainRecipe recipe) {
        requireFor(method);
        switch (method) {
            case "omp":
                return new OmpMethod(sparsity, scope(PruningScope.global()), split(method, recipe));
            case "gmp":
                return new GmpMethod(sparsity, scope(PruningScope.uniform()), gradual());
            case "tp":
                if (oneShot()) {
                    return TaylorMethod.oneShot(sparsity, scope(PruningScope.global()), split("tp --tp-mode one-shot", recipe),
                            window());
                }
                return TaylorMethod.gradual(sparsity, scope(PruningScope.global()), gradual(), window());
            case "small-dense":
                return new SmallDenseMethod(sparsity, depthRule());
            default:
                throw new IllegalArgumentException("not a baseline: " + method);
        }
    }

    /**
     * The pruning scope of a method, as {@code --scope} or the method's default.
     *
     * @param method one of omp, gmp, tp
     * @return the scope
     */
    PruningScope scopeOf(String method) {
        return scope(method.equals("gmp") ? PruningScope.uniform() : PruningScope.global());
    }

    /**
     * The per-layer distribution a method's scope fixes at a sparsity, or null for a global scope
     * (whose per-layer densities only training decides).
     *
     * @param method one of omp, gmp, tp
     * @param sparsity the target sparsity
     * @return the distribution, or null
     */
    SparsityDistribution perLayerDistribution(String method, double sparsity) {
        String kind = scope != null ? scope : method.equals("gmp") ? "uniform" : "global";
        scope(PruningScope.global()); // validates --scope
        switch (kind) {
            case "uniform":
                return SparsityDistribution.uniform(sparsity);
            case "erk":
                return SparsityDistribution.erdosRenyiKernel(sparsity);
            case "er":
                return SparsityDistribution.erdosRenyi(sparsity);
            default:
                return null;
        }
    }

    /**
     * The depth rule of small-dense.
     *
     * @return the rule
     */
    DepthRule depthRule() {
        String kind = depthRule == null ? "nearest" : depthRule;
        switch (kind) {
            case "nearest":
                return DepthRule.NEAREST;
            case "at-most":
                return DepthRule.AT_MOST;
            default:
                throw new IllegalArgumentException("unknown --depth-rule '" + kind + "'; use nearest or at-most");
        }
    }

    private PruningScope scope(PruningScope fallback) {
        if (scope == null) {
            return fallback;
        }
        switch (scope) {
            case "global":
                return PruningScope.global();
            case "uniform":
                return PruningScope.uniform();
            case "erk":
                return PruningScope.erdosRenyiKernel();
            case "er":
                return PruningScope.erdosRenyi();
            default:
                throw new IllegalArgumentException("unknown --scope '" + scope + "'; use global, uniform, erk or er");
        }
    }

    private boolean oneShot() {
        String mode = tpMode == null ? "gradual" : tpMode;
        switch (mode) {
            case "gradual":
                return false;
            case "one-shot":
                return true;
            default:
                throw new IllegalArgumentException("unknown --tp-mode '" + mode + "'; use gradual or one-shot");
        }
    }

    EpochSplit split(String method, TrainRecipe recipe) {
        return EpochSplit.of(method, recipe.epochs(), denseEpochs == null ? 0 : positive("--dense-epochs", denseEpochs));
    }

    private GradualPruning gradual() {
        GradualPruning d = GradualPruning.defaults();
        return new GradualPruning(
                pruneStart == null ? d.start() : pruneStart,
                pruneEnd == null ? d.end() : pruneEnd,
                pruneEvents == null ? d.events() : pruneEvents,
                initialSparsity == null ? d.initialSparsity() : initialSparsity);
    }

    private long window() {
        return scoreWindow == null ? 0 : positive("--tp-window", scoreWindow);
    }

    private static long positive(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + value);
        }
        return value;
    }

    private static int positive(String option, int value) {
        return Math.toIntExact(positive(option, (long) value));
    }

    /**
     * Refuses every option given that the chosen method does not use.
     *
     * @param method the chosen method (any method of the command line)
     * @throws IllegalArgumentException naming the first such option and where it applies
     */
    void requireFor(String method) {
        boolean tp = method.equals("tp");
        if (tp) {
            oneShot(); // a bad --tp-mode is named before the options it would decide about
        }
        boolean tpOneShot = tp && "one-shot".equals(tpMode);
        boolean gradual = method.equals("gmp") || (tp && !tpOneShot);
        boolean pruning = method.equals("omp") || method.equals("gmp") || tp;
        List<String[]> refused = new ArrayList<>();
        check(refused, scope != null && !pruning, "--scope", "omp, gmp or tp");
        check(refused, denseEpochs != null && !(method.equals("omp") || method.equals("ssp") || tpOneShot),
                "--dense-epochs", "omp, ssp or tp --tp-mode one-shot");
        check(refused, pruneStart != null && !gradual, "--prune-start", "gmp or tp (gradual)");
        check(refused, pruneEnd != null && !gradual, "--prune-end", "gmp or tp (gradual)");
        check(refused, pruneEvents != null && !gradual, "--prune-events", "gmp or tp (gradual)");
        check(refused, initialSparsity != null && !gradual, "--initial-sparsity", "gmp or tp (gradual)");
        check(refused, tpMode != null && !tp, "--tp-mode", "tp");
        check(refused, scoreWindow != null && !tp, "--tp-window", "tp");
        check(refused, depthRule != null && !method.equals("small-dense"), "--depth-rule", "small-dense");
        if (!refused.isEmpty()) {
            String[] first = refused.get(0);
            throw new IllegalArgumentException(
                    first[0] + " applies to --method " + first[1] + ", not --method " + method
                            + (tpOneShot && first[1].startsWith("gmp") ? " --tp-mode one-shot" : ""));
        }
    }

    private static void check(List<String[]> refused, boolean wrong, String option, String where) {
        if (wrong) {
            refused.add(new String[] {option, where});
        }
    }
}
