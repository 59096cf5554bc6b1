package io.svite.models.methods;

import io.svite.core.report.SparsityReport;
import io.svite.models.compact.GlobalThreshold.Measure;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.cost.CountFormat;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.Collections;
import java.util.Locale;

/**
 * The plan of a soft-mask search (ViT-Slim, VTP): the compacted architecture and its cost, block by
 * block.
 *
 * <p>ViT-Slim's per-block shapes are learned, so the plan shows the budget's target (an exact upper
 * bound on the compacted model's parameters or MACs) and, as {@code "uniform-estimate"}, the
 * largest architecture that keeps the same fraction of heads and neurons in every block within
 * the target. VTP's plan with a ratio is exact: every qkv and fc1 input keeps the same number of
 * dimensions.
 *
 * @param label what is planned
 * @param architecture the compacted architecture (the uniform estimate for ViT-Slim)
 * @param cost its cost
 * @param dense the dense model's cost
 * @param measure what ViT-Slim's budget counts, or null for VTP
 * @param budget ViT-Slim's kept fraction of the dense measure, or NaN for VTP
 * @param patchesLearned whether ViT-Slim also learns which patch positions to keep
 */
public record ShapePlan(
        String label,
        DeiTConfig architecture,
        CostReport cost,
        CostReport dense,
        Measure measure,
        double budget,
        boolean patchesLearned)
        implements MethodPlan {

    /**
     * The plan of VTP at a ratio: every qkv and fc1 input keeps the same number of dimensions.
     *
     * @param config the dense architecture
     * @param ratio the pruned fraction of each input, in [0, 1); NaN (a threshold) is refused
     * @return the plan
     * @throws IllegalArgumentException for NaN: under a threshold the kept dimensions are learned
     */
    public static ShapePlan vtp(DeiTConfig config, double ratio) {
        CostReport dense = CostModel.of(config).dense();
        if (Double.isNaN(ratio)) {
            throw new IllegalArgumentException(
                    "plan --method vtp needs --vtp-ratio: under --vtp-threshold the kept dimensions are learned");
        }
        DeiTConfig compacted = VtpMethod.compactedArchitecture(config, ratio);
        String label = String.format(Locale.ROOT, "vtp, every qkv and fc1 input keeps %d of %d dimensions",
                compacted.blocks().get(0).attnInputCount(config.width()), config.width());
        return new ShapePlan(label, compacted, CostModel.of(compacted).estimate(), dense, null, Double.NaN, false);
    }

    /**
     * The plan of ViT-Slim: the budget's target and a uniform estimate of the compacted model.
     *
     * @param config the dense architecture
     * @param budget the kept fraction of the dense model's parameters or MACs, in (0, 1]
     * @param measure what the budget counts
     * @param patches whether patch positions are searched too
     * @return the plan
     * @throws IllegalArgumentException if the budget is below the smallest model ViT-Slim can keep
     */
    public static ShapePlan vitSlim(DeiTConfig config, double budget, Measure measure, boolean patches) {
        CostReport dense = CostModel.of(config).dense();
        VitSlimMethod.smallestFits(config, budget, measure, patches);
        DeiTConfig uniform = uniformWithin(config, measure, budget * measure.of(dense));
        String label = String.format(Locale.ROOT, "vit-slim, one global threshold to %s of the dense %s"
                + " (per-block shapes%s are learned; shown: the same fraction of heads and neurons in every block,"
                + " all %d patches kept)", budget, measure, patches ? " and kept patches" : "", config.patches());
        return new ShapePlan(label, uniform, CostModel.of(uniform).estimate(), dense, measure, budget, patches);
    }

    /**
     * The largest architecture keeping round(f·H) heads and round(f·M) neurons (at least 1) in every
     * block within a target.
     *
     * @param config the dense architecture
     * @param measure what the target counts
     * @param target the largest parameters or MACs allowed
     * @return the architecture
     */
    static DeiTConfig uniformWithin(DeiTConfig config, Measure measure, double target) {
        int hidden = config.hidden();
        for (int k = hidden; k >= 1; k--) {
            double f = (double) k / hidden;
            BlockShape shape = new BlockShape((int) Math.max(1, Math.round(config.heads() * f)), k);
            DeiTConfig c = config.withBlocks(Collections.nCopies(config.depth(), shape));
            if (measure.of(CostModel.of(c).estimate()) <= target) {
                return c;
            }
        }
        return config.withBlocks(Collections.nCopies(config.depth(), new BlockShape(1, 1)));
    }

    @Override
    public long params() {
        return cost.params();
    }

    @Override
    public long denseParams() {
        return dense.params();
    }

    @Override
    public double macs() {
        return cost.macs();
    }

    @Override
    public double denseMacs() {
        return dense.macs();
    }

    /** VTP at a ratio is exact; ViT-Slim's shapes are a uniform estimate under an exact target. */
    @Override
    public boolean exact() {
        return measure == null;
    }

    /** A plan of block shapes has no per-layer densities: every kept weight is dense. */
    @Override
    public SparsityReport layers() {
        return null;
    }

    @Override
    public JsonObject json(String model, String method) {
        JsonObject o = jsonHeader(model, method);
        o.addProperty("densities", exact() ? "exact" : "uniform-estimate");
        o.addProperty("keptPatches", architecture.keptPatches());
        if (patchesLearned) {
            o.addProperty("patches", "learned: the run's threshold may keep fewer than keptPatches");
        }
        if (measure != null) {
            o.addProperty("budget", budget);
            o.addProperty("measure", measure.toString());
            o.addProperty(measure == Measure.PARAMS ? "budgetParams" : "budgetMacs", budget * measure.of(dense));
        }
        JsonArray blocks = new JsonArray();
        for (BlockShape b : architecture.blocks()) {
            JsonObject j = new JsonObject();
            j.addProperty("heads", b.heads());
            j.addProperty("hidden", b.hidden());
            j.addProperty("attnInputs", b.attnInputCount(architecture.width()));
            j.addProperty("mlpInputs", b.mlpInputCount(architecture.width()));
            blocks.add(j);
        }
        o.add("blocks", blocks);
        return o;
    }

    @Override
    public String text(String model) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-15s %s, %s%n", "plan", model, label));
        if (measure != null) {
            sb.append(String.format(Locale.ROOT, "%-15s at most %s %s (%.1f %% of dense), exact%n", "budget",
                    CountFormat.human(budget * measure.of(dense)), measure, 100 * budget));
        }
        sb.append(String.format(Locale.ROOT, "%-15s %,d of %,d dense (%.1f %% saved)%n", "parameters",
                cost.params(), dense.params(), 100.0 * (1 - (double) cost.params() / dense.params())));
        sb.append(String.format(Locale.ROOT, "%-15s %s of %s dense (%.1f %% saved)%n", "MACs / image",
                CountFormat.human(cost.macs()), CountFormat.human(dense.macs()), 100 * (1 - cost.macs() / dense.macs())));
        for (int i = 0; i < architecture.depth(); i++) {
            BlockShape b = architecture.blocks().get(i);
            sb.append(String.format(Locale.ROOT, "  block%-3d %d of %d heads, %d of %d neurons, reads %d/%d of %d dims%n", i,
                    b.heads(), architecture.heads(), b.hidden(), architecture.hidden(), b.attnInputCount(architecture.width()),
                    b.mlpInputCount(architecture.width()), architecture.width()));
        }
        return sb.toString();
    }
}
