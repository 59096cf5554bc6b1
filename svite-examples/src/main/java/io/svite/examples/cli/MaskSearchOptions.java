package io.svite.examples.cli;

import io.svite.models.compact.GlobalThreshold.Measure;
import io.svite.models.methods.EpochSplit;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.methods.VitSlimMethod;
import io.svite.models.methods.VtpMethod;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of the soft-mask search methods ({@code vit-slim}), shared by {@code train} and
 * {@code plan} (and {@code vtp}), and their parsing into the methods (the one place these strings become library
 * types). Each option is refused for a method that does not use it.
 */
final class MaskSearchOptions {

    /** The methods these options build. */
    static final List<String> METHODS = List.of("vit-slim", "vtp");

    /** λ of the ℓ1 penalty on the soft masks when --l1 is not given. */
    static final double DEFAULT_L1 = VitSlimMethod.DEFAULT_L1;

    /** The kept fraction of the dense cost when --slim-budget is not given. */
    static final double DEFAULT_SLIM_BUDGET = VitSlimMethod.DEFAULT_BUDGET;

    /** The pruned fraction of every qkv and fc1 input when neither --vtp-ratio nor --vtp-threshold is given. */
    static final double DEFAULT_VTP_RATIO = VtpMethod.DEFAULT_RATIO;

    @Option(names = "--l1", paramLabel = "LAMBDA", description = "vit-slim, vtp: λ of the ℓ1 penalty λ·Σ|m| on the soft masks during the search (default: 1e-4).")
    Double l1;

    @Option(names = "--search-epochs", paramLabel = "N", description = "vit-slim, vtp: epochs of the mask search (weights and masks trained together); the rest of --epochs fine-tunes the compacted model (default: half of --epochs, rounded down).")
    Integer searchEpochs;

    @Option(names = "--slim-budget", paramLabel = "B", description = "vit-slim: the kept fraction of the dense model's parameters (or MACs, see --slim-measure) the global threshold must meet, in (0, 1] (default: 0.5).")
    Double slimBudget;

    @Option(names = "--slim-measure", paramLabel = "KIND", description = "vit-slim: what --slim-budget counts: params (default) or macs.")
    String slimMeasure;

    @Option(names = "--slim-dims", paramLabel = "DIMS", description = "vit-slim: the dimensions searched, comma-separated: heads,neurons,patches (default) or heads,neurons (every patch position kept).")
    String slimDims;

    @Option(names = "--vtp-ratio", paramLabel = "R", description = "vtp: the fraction of the dimensions each qkv and fc1 input loses (those of smallest |gate|), in [0, 1) (default: 0.5).")
    Double vtpRatio;

    @Option(names = "--vtp-threshold", paramLabel = "T", description = "vtp: instead of --vtp-ratio, remove every input dimension whose gate has |u| <= T (each input keeps at least its largest; default: none, --vtp-ratio applies).")
    Double vtpThreshold;

    /**
     * The training method, for one of {@link #METHODS}.
     *
     * @param method the method's name
     * @param recipe the run's recipe (for the epochs)
     * @return the method
     * @throws IllegalArgumentException for a bad value
     */
    TrainingMethod method(String method, TrainRecipe recipe) {
        requireFor(method);
        EpochSplit split = split(method, recipe.epochs());
        if (method.equals("vtp")) {
            return new VtpMethod(l1(), vtpRatio(), vtpThreshold == null ? Double.NaN : vtpThreshold, split);
        }
        return new VitSlimMethod(l1(), slimBudget(), measure(), split, slimPatches());
    }

    /**
     * Whether ViT-Slim searches patch positions: --slim-dims heads,neurons,patches (the default) or
     * heads,neurons.
     *
     * @return true when patches are searched
     * @throws IllegalArgumentException for any other list
     */
    boolean slimPatches() {
        if (slimDims == null) {
            return true;
        }
        java.util.Set<String> dims = new java.util.TreeSet<>();
        for (String d : slimDims.split(",", -1)) {
            dims.add(d.trim().toLowerCase(java.util.Locale.ROOT));
        }
        if (dims.equals(java.util.Set.of("heads", "neurons", "patches"))) {
            return true;
        }
        if (dims.equals(java.util.Set.of("heads", "neurons"))) {
            return false;
        }
        throw new IllegalArgumentException("unknown --slim-dims '" + slimDims
                + "'; use heads,neurons,patches or heads,neurons (heads and neurons are always searched)");
    }

    double l1() {
        double v = l1 == null ? DEFAULT_L1 : l1;
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("--l1 must be a finite value >= 0, got " + v);
        }
        return v;
    }

    double slimBudget() {
        double b = slimBudget == null ? DEFAULT_SLIM_BUDGET : slimBudget;
        if (!(b > 0 && b <= 1)) {
            throw new IllegalArgumentException("--slim-budget must be a fraction in (0, 1], got " + b);
        }
        return b;
    }

    Measure measure() {
        String m = slimMeasure == null ? "params" : slimMeasure;
        switch (m) {
            case "params":
                return Measure.PARAMS;
            case "macs":
                return Measure.MACS;
            default:
                throw new IllegalArgumentException("unknown --slim-measure '" + m + "'; use params or macs");
        }
    }

    /**
     * The pruned ratio of vtp: --vtp-ratio, its default, or NaN with --vtp-threshold.
     *
     * @return the ratio or NaN
     */
    double vtpRatio() {
        if (vtpThreshold != null) {
            if (vtpRatio != null) {
                throw new IllegalArgumentException("give --vtp-ratio or --vtp-threshold, not both");
            }
            if (!(vtpThreshold >= 0) || vtpThreshold.isInfinite()) {
                throw new IllegalArgumentException("--vtp-threshold must be a finite value >= 0, got " + vtpThreshold);
            }
            return Double.NaN;
        }
        double r = vtpRatio == null ? DEFAULT_VTP_RATIO : vtpRatio;
        if (!(r >= 0 && r < 1)) {
            throw new IllegalArgumentException("--vtp-ratio must be in [0, 1), got " + r);
        }
        return r;
    }

    private EpochSplit split(String method, int epochs) {
        if (searchEpochs != null && searchEpochs < 1) {
            throw new IllegalArgumentException("--search-epochs must be >= 1 (or left out for half of --epochs), got " + searchEpochs);
        }
        return EpochSplit.ofSearch(method, epochs, searchEpochs == null ? 0 : searchEpochs);
    }

    /**
     * Refuses every option given that the chosen method does not use.
     *
     * @param method the chosen method
     * @throws IllegalArgumentException naming the first such option and where it applies
     */
    void requireFor(String method) {
        boolean slim = method.equals("vit-slim");
        boolean vtp = method.equals("vtp");
        List<String[]> refused = new ArrayList<>();
        check(refused, l1 != null && !slim && !vtp, "--l1", "vit-slim or vtp");
        check(refused, searchEpochs != null && !slim && !vtp, "--search-epochs", "vit-slim or vtp");
        check(refused, vtpRatio != null && !vtp, "--vtp-ratio", "vtp");
        check(refused, vtpThreshold != null && !vtp, "--vtp-threshold", "vtp");
        check(refused, slimBudget != null && !slim, "--slim-budget", "vit-slim");
        check(refused, slimMeasure != null && !slim, "--slim-measure", "vit-slim");
        check(refused, slimDims != null && !slim, "--slim-dims", "vit-slim");
        if (!refused.isEmpty()) {
            String[] first = refused.get(0);
            throw new IllegalArgumentException(first[0] + " applies to --method " + first[1] + ", not --method " + method);
        }
    }

    private static void check(List<String[]> refused, boolean wrong, String option, String where) {
        if (wrong) {
            refused.add(new String[] {option, where});
        }
    }
}
