package io.svite.examples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.svite.examples.methods.VitSlimMethod;
import io.svite.examples.methods.VtpMethod;
import io.svite.examples.train.TrainReport;
import io.svite.models.compact.GlobalThreshold.Measure;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;

import java.util.Collections;
import java.util.Locale;

/**
 * {@code svite plan} for the soft-mask search methods: the compacted architecture and its cost.
 *
 * <p>ViT-Slim's per-block shapes are learned, so the plan shows the budget's target (an exact upper
 * bound on the compacted model's parameters or MACs) and, as {@code "uniform-estimate"}, the
 * largest architecture that keeps the same fraction of heads and neurons in every block within
 * the target. VTP's plan with a ratio is exact: every qkv and fc1 input keeps the same number of
 * dimensions.
 */
final class MaskSearchPlan {

    private final String model;
    private final String method;
    private final String label;
    private final DeiTConfig compacted;
    private final CostReport cost;
    private final CostReport dense;
    private final String exactness;
    private final Measure measure;
    private final double budget;
    private boolean patchesLearned;

    private MaskSearchPlan(String model, String method, String label, DeiTConfig compacted, CostReport dense,
            String exactness, Measure measure, double budget) {
        this.model = model;
        this.method = method;
        this.label = label;
        this.compacted = compacted;
        this.cost = CostModel.of(compacted).estimate();
        this.dense = dense;
        this.exactness = exactness;
        this.measure = measure;
        this.budget = budget;
    }

    /**
     * The plan of a method.
     *
     * @param model the preset's name
     * @param method one of {@link MaskSearchOptions#METHODS}
     * @param config the dense architecture
     * @param options the method's options
     * @return the plan
     */
    static MaskSearchPlan of(String model, String method, DeiTConfig config, MaskSearchOptions options) {
        options.requireFor(method);
        CostReport dense = CostModel.of(config).dense();
        if (method.equals("vtp")) {
            double ratio = options.vtpRatio();
            if (Double.isNaN(ratio)) {
                throw new IllegalArgumentException(
                        "plan --method vtp needs --vtp-ratio: under --vtp-threshold the kept dimensions are learned");
            }
            DeiTConfig compacted = VtpMethod.compactedArchitecture(config, ratio);
            String label = String.format(Locale.ROOT, "vtp, every qkv and fc1 input keeps %d of %d dimensions",
                    compacted.blocks().get(0).attnInputCount(config.width()), config.width());
            return new MaskSearchPlan(model, method, label, compacted, dense, "exact", null, Double.NaN);
        }
        double budget = options.slimBudget();
        Measure measure = options.measure();
        boolean patches = options.slimPatches();
        VitSlimMethod.smallestFits(config, budget, measure, patches);
        DeiTConfig uniform = uniformWithin(config, measure, budget * measure.of(dense));
        String label = String.format(Locale.ROOT, "vit-slim, one global threshold to %s of the dense %s"
                + " (per-block shapes%s are learned; shown: the same fraction of heads and neurons in every block,"
                + " all %d patches kept)", budget, measure, patches ? " and kept patches" : "", config.patches());
        MaskSearchPlan plan = new MaskSearchPlan(model, method, label, uniform, dense, "uniform-estimate", measure, budget);
        plan.patchesLearned = patches;
        return plan;
    }

    /** The largest architecture keeping round(f·H) heads and round(f·M) neurons (at least 1) in every block within the target. */
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

    /**
     * The plan as JSON or text.
     *
     * @param json JSON if true
     * @return the rendering, ending with a newline
     */
    String render(boolean json) {
        return json ? json() + "\n" : text();
    }

    private String json() {
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        o.addProperty("method", method);
        o.addProperty("params", cost.params());
        o.addProperty("denseParams", dense.params());
        o.addProperty("macs", cost.macs());
        o.addProperty("denseMacs", dense.macs());
        o.addProperty("macsSaving", 1 - cost.macs() / dense.macs());
        o.addProperty("densities", exactness);
        o.addProperty("keptPatches", compacted.keptPatches());
        if (patchesLearned) {
            o.addProperty("patches", "learned: the run's threshold may keep fewer than keptPatches");
        }
        if (measure != null) {
            o.addProperty("budget", budget);
            o.addProperty("measure", measure.toString());
            o.addProperty(measure == Measure.PARAMS ? "budgetParams" : "budgetMacs", budget * measure.of(dense));
        }
        JsonArray blocks = new JsonArray();
        for (BlockShape b : compacted.blocks()) {
            JsonObject j = new JsonObject();
            j.addProperty("heads", b.heads());
            j.addProperty("hidden", b.hidden());
            j.addProperty("attnInputs", b.attnInputCount(compacted.width()));
            j.addProperty("mlpInputs", b.mlpInputCount(compacted.width()));
            blocks.add(j);
        }
        o.add("blocks", blocks);
        return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }

    private String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-15s %s, %s%n", "plan", model, label));
        if (measure != null) {
            sb.append(String.format(Locale.ROOT, "%-15s at most %s %s (%.1f %% of dense), exact%n", "budget",
                    TrainReport.human(budget * measure.of(dense)), measure, 100 * budget));
        }
        sb.append(String.format(Locale.ROOT, "%-15s %,d of %,d dense (%.1f %% saved)%n", "parameters",
                cost.params(), dense.params(), 100.0 * (1 - (double) cost.params() / dense.params())));
        sb.append(String.format(Locale.ROOT, "%-15s %s of %s dense (%.1f %% saved)%n", "MACs / image",
                TrainReport.human(cost.macs()), TrainReport.human(dense.macs()), 100 * (1 - cost.macs() / dense.macs())));
        for (int i = 0; i < compacted.depth(); i++) {
            BlockShape b = compacted.blocks().get(i);
            sb.append(String.format(Locale.ROOT, "  block%-3d %d of %d heads, %d of %d neurons, reads %d/%d of %d dims%n", i,
                    b.heads(), compacted.heads(), b.hidden(), compacted.hidden(), b.attnInputCount(compacted.width()),
                    b.mlpInputCount(compacted.width()), compacted.width()));
        }
        return sb.toString();
    }
}
