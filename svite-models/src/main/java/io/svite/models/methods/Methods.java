package io.svite.models.methods;

import io.svite.core.distribution.PruningScope;
import io.svite.core.structured.UnitBudget;
import io.svite.models.compact.GlobalThreshold.Measure;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.DepthRule;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.deit.DeiTUnits;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The registry of training methods: their names, in order, and each method put at a parameter
 * budget with its default settings (what {@code svite compare} trains).
 *
 * <pre>{@code
 * BudgetedMethod omp = Methods.at("omp", 0.5, DeiTConfig.mini(), TrainRecipe.defaults());
 * omp.method();   // new OmpMethod(0.5, PruningScope.global(), EpochSplit.of("omp", 2, 0))
 * omp.options();  // [--sparsity, 0.5]
 * }</pre>
 *
 * <p>A budget b in (0, 1) is the fraction of the dense model's prunable parameters kept:
 *
 * <ul>
 *   <li>unstructured methods (svite, omp, gmp, tp) run at sparsity 1 − b;
 *   <li>small-dense takes the depth whose parameters are nearest the budget of sparsity 1 − b;
 *   <li>structured methods (s2vite, ssp) keep whole heads and neurons, so b is met only up to one
 *       neuron: {@link #structuredAt} chooses the per-block head and neuron counts from the cost model;
 *   <li>vit-slim gets the budget of all parameters that leaves b of the prunable ones;
 *   <li>vtp gets the ratio whose compacted model is nearest that parameter count;
 *   <li>dense ignores the budget: it is the reference every saving is measured against.
 * </ul>
 *
 * <p>Adding a method is one entry here plus its case in the command line's {@code train}.
 */
public final class Methods {

    /** A setting that puts a method at a budget: the option's name and its value. */
    private record Setting(String option, double value) {}

    /** One method at a budget: the settings that put it there. */
    @FunctionalInterface
    private interface AtBudget {
        List<Setting> settings(double budget, DeiTConfig dense);
    }

    private static final Map<String, AtBudget> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("dense", (b, c) -> List.of());
        REGISTRY.put("svite", Methods::sparsity);
        REGISTRY.put("s2vite", Methods::structured);
        REGISTRY.put("omp", Methods::sparsity);
        REGISTRY.put("gmp", Methods::sparsity);
        REGISTRY.put("tp", Methods::sparsity);
        REGISTRY.put("ssp", Methods::structured);
        REGISTRY.put("small-dense", Methods::sparsity);
        REGISTRY.put("vit-slim", Methods::vitSlim);
        REGISTRY.put("vtp", Methods::vtp);
    }

    private Methods() {}

    /**
     * The method names, in registry order.
     *
     * @return the names
     */
    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /**
     * A method at a budget with its default settings.
     *
     * @param method a registered method
     * @param budget the fraction of prunable parameters kept, in (0, 1)
     * @param dense the dense architecture
     * @param recipe the run's recipe (the one-shot methods split its epochs; seeds come from it)
     * @return the method and the options that describe its budget
     * @throws IllegalArgumentException for an unknown method, a budget outside (0, 1), or a method
     *     that cannot run with the recipe (e.g. a one-shot method with one epoch)
     */
    public static BudgetedMethod at(String method, double budget, DeiTConfig dense, TrainRecipe recipe) {
        List<Setting> settings = settingsAt(method, budget, dense);
        return new BudgetedMethod(method, create(method, settings, recipe), options(settings));
    }

    /**
     * The options that describe a method at a budget, in the command line's words.
     *
     * @param method a registered method
     * @param budget the fraction of prunable parameters kept, in (0, 1)
     * @param dense the dense architecture
     * @return e.g. {@code [--sparsity, 0.5]}; empty for dense
     * @throws IllegalArgumentException for an unknown method or a budget outside (0, 1)
     */
    public static List<String> optionsAt(String method, double budget, DeiTConfig dense) {
        return options(settingsAt(method, budget, dense));
    }

    private static List<Setting> settingsAt(String method, double budget, DeiTConfig dense) {
        checkBudget(budget);
        AtBudget at = REGISTRY.get(method);
        if (at == null) {
            throw new IllegalArgumentException("unknown method '" + method + "'; known: " + String.join(", ", names()));
        }
        return at.settings(budget, dense);
    }

    /** The settings as command-line options, e.g. {@code [--sparsity, 0.5]}. */
    private static List<String> options(List<Setting> settings) {
        List<String> out = new ArrayList<>();
        for (Setting s : settings) {
            out.add(s.option());
            out.add(Double.toString(s.value()));
        }
        return out;
    }

    /** The method of a registry entry with its budget's settings and every other setting at its default. */
    private static TrainingMethod create(String method, List<Setting> settings, TrainRecipe recipe) {
        double value = settings.isEmpty() ? Double.NaN : settings.get(0).value();
        switch (method) {
            case "dense":
                return new DenseMethod();
            case "svite":
                return new SviteMethod(SviteRecipe.defaults(value, recipe.seed()));
            case "s2vite": {
                UnitBudget budget = fractions(value, settings.get(1).value());
                // a budget that leaves a block without a head or neuron fails here, before any data is read
                S2viteMethod.compactedArchitecture(DeiTConfig.preset(recipe.model()), budget);
                return new S2viteMethod(S2viteRecipe.defaults(budget, recipe.seed()));
            }
            case "ssp": {
                UnitBudget budget = fractions(value, settings.get(1).value());
                SspMethod.compactedArchitecture(DeiTConfig.preset(recipe.model()), budget);
                return new SspMethod(budget, SspMethod.Salience.TAYLOR, EpochSplit.of(method, recipe.epochs(), 0),
                        SspMethod.DEFAULT_SCORE_BATCHES);
            }
            case "omp":
                return new OmpMethod(value, PruningScope.global(), EpochSplit.of(method, recipe.epochs(), 0));
            case "gmp":
                return new GmpMethod(value, PruningScope.uniform(), GradualPruning.defaults());
            case "tp":
                return TaylorMethod.gradual(value, PruningScope.global(), GradualPruning.defaults(), 0);
            case "small-dense":
                return new SmallDenseMethod(value, DepthRule.NEAREST);
            case "vit-slim":
                return new VitSlimMethod(VitSlimMethod.DEFAULT_L1, value, Measure.PARAMS,
                        EpochSplit.ofSearch(method, recipe.epochs(), 0), true);
            case "vtp":
                return new VtpMethod(VtpMethod.DEFAULT_L1, value, Double.NaN, EpochSplit.ofSearch(method, recipe.epochs(), 0));
            default:
                throw new IllegalArgumentException("unknown method '" + method + "'; known: " + String.join(", ", names()));
        }
    }

    private static UnitBudget fractions(double heads, double neurons) {
        return UnitBudget.fractions(Map.of(DeiTUnits.HEADS, heads, DeiTUnits.NEURONS, neurons));
    }

    /**
     * Checks a budget.
     *
     * @param budget the budget
     * @return the budget
     * @throws IllegalArgumentException if it is outside (0, 1)
     */
    public static double checkBudget(double budget) {
        if (!(budget > 0 && budget < 1)) {
            throw new IllegalArgumentException(
                    "--budget must be in (0, 1), the fraction of the dense model's prunable parameters kept, got " + budget);
        }
        return budget;
    }

    private static List<Setting> sparsity(double budget, DeiTConfig dense) {
        return List.of(new Setting("--sparsity", 1 - budget));
    }

    /**
     * ViT-Slim's budget counts the whole model: the fraction of all dense parameters that leaves b
     * of the prunable ones, (P − (1 − b)·prunable) / P.
     */
    private static List<Setting> vitSlim(double budget, DeiTConfig dense) {
        double all = params(dense, dense.heads(), dense.hidden());
        double prunable = prunable(dense);
        return List.of(new Setting("--slim-budget", (all - (1 - budget) * prunable) / all));
    }

    /**
     * VTP's ratio: the pruned fraction of the qkv and fc1 inputs whose compacted model has the total
     * parameters nearest those of b of the prunable ones (only qkv and fc1 shrink, so a budget below
     * 5/12 of the block weights cannot be met and the smallest input is taken).
     */
    private static List<Setting> vtp(double budget, DeiTConfig dense) {
        DeiTConfig plain = dense.withTokenSelection(null);
        double all = params(dense, dense.heads(), dense.hidden());
        double target = all - (1 - budget) * prunable(dense);
        int width = dense.width();
        double best = 0;
        double bestError = Double.MAX_VALUE;
        for (int kept = 1; kept <= width; kept++) {
            double ratio = 1 - kept / (double) width;
            long p = CostModel.of(VtpMethod.compactedArchitecture(plain, ratio)).dense().params();
            double error = Math.abs(p - target);
            if (error < bestError) {
                best = ratio;
                bestError = error;
            }
        }
        return List.of(new Setting("--vtp-ratio", best));
    }

    private static List<Setting> structured(double budget, DeiTConfig dense) {
        Structured s = structuredAt(dense, budget);
        return List.of(new Setting("--heads", s.headFraction()), new Setting("--neurons", s.neuronFraction()));
    }

    /**
     * Per-block head and neuron counts for a structured method at a budget.
     *
     * @param heads heads kept per block, of {@code allHeads}
     * @param neurons neurons kept per block, of {@code allNeurons}
     * @param allHeads the dense block's heads
     * @param allNeurons the dense block's neurons
     * @param kept the fraction of the prunable parameters (qkv, proj, fc1, fc2 weights and the qkv and
     *     fc1 biases) these counts keep, by the cost model
     */
    public record Structured(int heads, int neurons, int allHeads, int allNeurons, double kept) {

        /**
         * The fraction of heads kept, exact for {@code floor(H·a)}.
         *
         * @return heads / allHeads
         */
        public double headFraction() {
            return heads / (double) allHeads;
        }

        /**
         * The fraction of neurons kept.
         *
         * @return neurons / allNeurons
         */
        public double neuronFraction() {
            return neurons / (double) allNeurons;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d of %d heads and %d of %d neurons per block (%.1f %% of the prunable"
                    + " parameters)", heads, allHeads, neurons, allNeurons, 100 * kept);
        }
    }

    /**
     * The head and neuron counts, the same in every block, that keep the fraction of the dense
     * model's prunable parameters nearest {@code budget}.
     *
     * <p>Parameters come from {@link CostModel}: with P(h, n) the parameters of the model whose
     * blocks keep h heads and n neurons, the cost of one head per block is P(2, 1) − P(1, 1), of one
     * neuron P(1, 2) − P(1, 1), and the prunable parameters are P(H, M) − P(0, 0). For every head
     * count h the neuron count n that comes nearest the budget is solved; among the h whose n lies
     * in [1, M] the one whose head fraction h/H is nearest b is taken (ties: more heads), so both
     * fractions stay near b. With one head per block, only neurons are pruned.
     *
     * @param dense the dense architecture
     * @param budget the fraction kept, in (0, 1)
     * @return the counts
     * @throws IllegalArgumentException for a budget outside (0, 1)
     */
    public static Structured structuredAt(DeiTConfig dense, double budget) {
        checkBudget(budget);
        int allHeads = dense.heads();
        int allNeurons = dense.hidden();
        long p11 = params(dense, 1, 1);
        long perHead = allHeads > 1 ? params(dense, 2, 1) - p11 : 0;
        long perNeuron = allNeurons > 1 ? params(dense, 1, 2) - p11 : 0;
        long p00 = p11 - perHead - perNeuron;
        double prunable = params(dense, allHeads, allNeurons) - p00;
        Structured best = null;
        double bestHeadGap = Double.MAX_VALUE;
        Structured closest = null;
        double closestError = Double.MAX_VALUE;
        for (int h = 1; h <= allHeads; h++) {
            double exact = perNeuron == 0 ? 1 : (budget * prunable - h * (double) perHead) / perNeuron;
            int n = (int) Math.max(1, Math.min(allNeurons, Math.round(exact)));
            double kept = (h * (double) perHead + n * (double) perNeuron) / prunable;
            Structured s = new Structured(h, n, allHeads, allNeurons, kept);
            double error = Math.abs(kept - budget);
            if (error < closestError) {
                closest = s;
                closestError = error;
            }
            if (exact >= 0.5 && exact <= allNeurons + 0.5) {
                double gap = Math.abs(h / (double) allHeads - budget);
                if (gap <= bestHeadGap + 1e-12) {
                    best = s;
                    bestHeadGap = gap;
                }
            }
        }
        return best != null ? best : closest;
    }

    /** The prunable parameters P(H, M) − P(0, 0), with P(0, 0) extrapolated from one head and one neuron. */
    private static double prunable(DeiTConfig dense) {
        long p11 = params(dense, 1, 1);
        long perHead = dense.heads() > 1 ? params(dense, 2, 1) - p11 : 0;
        long perNeuron = dense.hidden() > 1 ? params(dense, 1, 2) - p11 : 0;
        return params(dense, dense.heads(), dense.hidden()) - (p11 - perHead - perNeuron);
    }

    /** The parameters of the dense architecture with every block at h heads and n neurons. */
    private static long params(DeiTConfig dense, int h, int n) {
        List<BlockShape> shapes = new ArrayList<>(Collections.nCopies(dense.depth(), new BlockShape(h, n)));
        return CostModel.of(dense.withTokenSelection(null).withBlocks(shapes)).dense().params();
    }
}
