package io.svite.examples.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.svite.core.LayerSparsity;
import io.svite.core.SparseTrainer;
import io.svite.core.SparsityDistribution;
import io.svite.core.SparsityReport;
import io.svite.examples.train.TrainReport;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.cost.GlobalSparsityCost;
import io.svite.models.cost.SmallDense;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import java.util.Locale;

/**
 * {@code svite plan} for the baselines: what {@code omp}, {@code gmp}, {@code tp} or {@code
 * small-dense} make of a model at a sparsity, without training, and how much of it is known.
 *
 * <ul>
 *   <li>per-layer scope (gmp's default): the densities are fixed in advance, so parameters, MACs
 *       and every layer's density are exact ({@code "densities": "exact"});
 *   <li>global scope (omp's and tp's default): the threshold fixes the non-zero count exactly but
 *       the trained weights decide which layers keep them, so parameters are exact while the MACs
 *       are shown at the same density in every layer, labelled {@code "uniform-estimate"}, with the
 *       bounds {@code macsMin}/{@code macsMax} that any allocation respects;
 *   <li>small-dense: the shallower dense model, exact, its savings against the full-depth model.
 * </ul>
 */
final class BaselinePlan {

    private final String model;
    private final String method;
    private final double sparsity;
    private final String label;
    private final SparsityReport layers;
    private final CostReport cost;
    private final CostReport dense;
    private final long params;
    private final GlobalSparsityCost global;
    private final DeiTConfig shallow;
    private final DeiTConfig full;

    private BaselinePlan(
            String model,
            String method,
            double sparsity,
            String label,
            SparsityReport layers,
            CostReport cost,
            CostReport dense,
            long params,
            GlobalSparsityCost global,
            DeiTConfig shallow,
            DeiTConfig full) {
        this.model = model;
        this.method = method;
        this.sparsity = sparsity;
        this.label = label;
        this.layers = layers;
        this.cost = cost;
        this.dense = dense;
        this.params = params;
        this.global = global;
        this.shallow = shallow;
        this.full = full;
    }

    /**
     * The plan of a baseline.
     *
     * @param model the preset's name, for the output
     * @param method one of {@link BaselineOptions#METHODS}
     * @param config the full architecture (with token selection, if asked)
     * @param sparsity the target sparsity, or the budget's for small-dense
     * @param options the baseline options (scope, depth rule)
     * @return the plan
     */
    static BaselinePlan of(String model, String method, DeiTConfig config, double sparsity, BaselineOptions options) {
        CostReport dense = CostModel.of(config.withTokenSelection(null)).dense();
        if (method.equals("small-dense")) {
            DeiTConfig shallow = SmallDense.config(config, sparsity, options.depthRule());
            SparsityReport plan = layers(shallow, SparsityDistribution.uniform(0));
            CostReport cost = CostModel.of(shallow).estimate(plan.densities());
            String label = String.format(Locale.ROOT, "small-dense, %d of %d blocks (budget of sparsity %s: %,d parameters)",
                    shallow.depth(), config.depth(), sparsity, SmallDense.budget(config, sparsity));
            return new BaselinePlan(model, method, sparsity, label, plan, cost, dense, cost.params(), null, shallow, config);
        }
        SparsityDistribution perLayer = options.perLayerDistribution(method, sparsity);
        if (perLayer != null) {
            SparsityReport plan = layers(config, perLayer);
            CostReport cost = CostModel.of(config).estimate(plan.densities());
            String label = method + ", " + options.scopeOf(method) + " to sparsity " + sparsity;
            return new BaselinePlan(model, method, sparsity, label, plan, cost, dense, cost.params(), null, null, config);
        }
        GlobalSparsityCost g = GlobalSparsityCost.of(config, sparsity);
        SparsityReport plan = layers(config, SparsityDistribution.uniform(sparsity));
        String label = method + ", one global threshold to sparsity " + sparsity
                + " (per-layer densities are decided by the trained weights; shown: the uniform estimate)";
        return new BaselinePlan(model, method, sparsity, label, plan, g.uniform(), dense, g.params(), g, null, config);
    }

    private static SparsityReport layers(DeiTConfig config, SparsityDistribution distribution) {
        SparseTrainer recipe = SparseTrainer.builder().distribution(distribution).updateEvery(1).until(1).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT deit = DeiT.of(config);
            deit.initialize(
                    manager, DataType.FLOAT32, new Shape(1, config.channels(), config.imageSize(), config.imageSize()));
            return recipe.plan(deit);
        }
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

    private double macsSaving() {
        return 1 - cost.macs() / dense.macs();
    }

    private String json() {
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        o.addProperty("method", method);
        o.addProperty("sparsity", sparsity);
        o.addProperty("params", params);
        o.addProperty("denseParams", dense.params());
        o.addProperty("macs", cost.macs());
        o.addProperty("denseMacs", dense.macs());
        o.addProperty("macsSaving", macsSaving());
        o.addProperty("densities", global == null ? "exact" : "uniform-estimate");
        if (global != null) {
            o.addProperty("macsMin", global.minMacs());
            o.addProperty("macsMax", global.maxMacs());
        }
        if (shallow != null) {
            o.addProperty("depth", shallow.depth());
            o.addProperty("fullDepth", full.depth());
            o.addProperty("budgetParams", SmallDense.budget(full, sparsity));
        }
        if (cost.keptPatches() < cost.patches()) {
            o.addProperty("keptPatches", cost.keptPatches());
            o.addProperty("patches", cost.patches());
        }
        JsonArray arr = new JsonArray();
        for (LayerSparsity l : layers.layers()) {
            JsonObject j = new JsonObject();
            j.addProperty("name", l.name());
            JsonArray shape = new JsonArray();
            l.shape().forEach(shape::add);
            j.add("shape", shape);
            j.addProperty("density", l.density());
            arr.add(j);
        }
        o.add("layers", arr);
        return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }

    private String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-15s %s, %s%n", "plan", model, label));
        sb.append(String.format(Locale.ROOT, "%-15s %,d non-zero of %,d dense (%.1f %% saved)%s%n", "parameters", params,
                dense.params(), 100.0 * (1 - (double) params / dense.params()), global == null ? "" : ", exact"));
        if (global == null) {
            sb.append(String.format(Locale.ROOT, "%-15s %s of %s dense (%.1f %% saved)%n%n", "MACs / image",
                    TrainReport.human(cost.macs()), TrainReport.human(dense.macs()), 100 * macsSaving()));
        } else {
            sb.append(String.format(Locale.ROOT, "%-15s %s of %s dense (%.1f %% saved) at uniform densities; any"
                            + " allocation lies in [%s, %s]%n%n", "MACs / image", TrainReport.human(cost.macs()),
                    TrainReport.human(dense.macs()), 100 * macsSaving(), TrainReport.human(global.minMacs()),
                    TrainReport.human(global.maxMacs())));
        }
        sb.append(layers.text());
        return sb.toString();
    }
}
