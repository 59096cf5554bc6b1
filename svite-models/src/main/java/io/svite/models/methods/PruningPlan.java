package io.svite.models.methods;

import io.svite.core.distribution.PruningScope;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.report.SparsityReport;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.cost.CountFormat;
import io.svite.models.cost.DepthRule;
import io.svite.models.cost.GlobalSparsityCost;
import io.svite.models.cost.SmallDense;
import io.svite.models.deit.DeiTConfig;

import com.google.gson.JsonObject;

import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * The plan of a pruning baseline: what {@code omp}, {@code gmp}, {@code tp} or {@code small-dense}
 * make of a model at a sparsity, without training, and how much of it is known.
 *
 * <ul>
 *   <li>per-layer scope (gmp's default): the densities are fixed in advance, so parameters, MACs
 *       and every layer's density are exact ({@code "densities": "exact"});
 *   <li>global scope (omp's and tp's default): the threshold fixes the non-zero count exactly but
 *       the trained weights decide which layers keep them, so parameters are exact while the MACs
 *       are shown at the same density in every layer, labelled {@code "uniform-estimate"}, with the
 *       bounds {@link #global()} gives ({@code macsMin}/{@code macsMax}) that any allocation respects;
 *   <li>small-dense: the shallower dense model, exact, its savings against the full-depth model.
 * </ul>
 *
 * @param label what is planned
 * @param sparsity the target sparsity, or the budget's for small-dense
 * @param layers the planned per-layer densities (the uniform estimate for a global scope)
 * @param cost the planned model's cost at those densities
 * @param dense the dense model of the requested architecture (the savings' reference)
 * @param params the non-zero parameters, exact in every case
 * @param global the global threshold's exact parameters and MAC bounds, or null for a per-layer
 *     scope or small-dense
 * @param architecture the planned model: the requested one, or the shallower one of small-dense
 * @param full the requested architecture
 */
public record PruningPlan(
        String label,
        double sparsity,
        SparsityReport layers,
        CostReport cost,
        CostReport dense,
        long params,
        GlobalSparsityCost global,
        DeiTConfig architecture,
        DeiTConfig full)
        implements MethodPlan {

    /**
     * The plan of a pruning method: per layer at the densities a per-layer scope fixes, or under one
     * global threshold.
     *
     * @param method the method's name, for the label ({@code omp}, {@code gmp}, {@code tp})
     * @param config the full architecture (with token selection, if asked)
     * @param sparsity the target sparsity, in [0, 1)
     * @param scope the scope
     * @return the plan
     * @throws IllegalArgumentException for a bad sparsity
     */
    public static PruningPlan of(String method, DeiTConfig config, double sparsity, PruningScope scope) {
        return of(method, config, sparsity, scope,
                scope.perLayerAt(sparsity).isPresent() ? s -> scope.perLayerAt(s).orElseThrow() : null);
    }


    /**
     * The plan of a pruning method.
     *
     * @param method the method's name, for the label
     * @param config the full architecture (with token selection, if asked)
     * @param sparsity the target sparsity, in [0, 1)
     * @param scope the scope, for the label
     * @param perLayer the scope's distribution at a sparsity, or null for one global threshold
     * @return the plan
     * @throws IllegalArgumentException for a bad sparsity
     */
    public static PruningPlan of(
            String method, DeiTConfig config, double sparsity, PruningScope scope,
            DoubleFunction<SparsityDistribution> perLayer) {
        CostReport dense = CostModel.of(config.withTokenSelection(null)).dense();
        if (perLayer != null) {
            SparsityReport plan = LayerPlan.layers(config, perLayer.apply(sparsity));
            CostReport cost = CostModel.of(config).estimate(plan.densities());
            String label = method + ", " + scope + " to sparsity " + sparsity;
            return new PruningPlan(label, sparsity, plan, cost, dense, cost.params(), null, config, config);
        }
        GlobalSparsityCost g = GlobalSparsityCost.of(config, sparsity);
        SparsityReport plan = LayerPlan.layers(config, SparsityDistribution.uniform(sparsity));
        String label = method + ", one global threshold to sparsity " + sparsity
                + " (per-layer densities are decided by the trained weights; shown: the uniform estimate)";
        return new PruningPlan(label, sparsity, plan, g.uniform(), dense, g.params(), g, config, config);
    }

    /**
     * The plan of small-dense: the shallower dense model with about the parameters of a sparsity.
     *
     * @param config the full architecture
     * @param sparsity the sparsity whose parameter budget the shallow model matches, in [0, 1)
     * @param rule which depth
     * @return the plan
     * @throws IllegalArgumentException for a bad sparsity
     */
    public static PruningPlan smallDense(DeiTConfig config, double sparsity, DepthRule rule) {
        CostReport dense = CostModel.of(config.withTokenSelection(null)).dense();
        DeiTConfig shallow = SmallDense.config(config, sparsity, rule);
        SparsityReport plan = LayerPlan.layers(shallow, SparsityDistribution.uniform(0));
        CostReport cost = CostModel.of(shallow).estimate(plan.densities());
        String label = String.format(Locale.ROOT, "small-dense, %d of %d blocks (budget of sparsity %s: %,d parameters)",
                shallow.depth(), config.depth(), sparsity, SmallDense.budget(config, sparsity));
        return new PruningPlan(label, sparsity, plan, cost, dense, cost.params(), null, shallow, config);
    }

    /** Small-dense plans a shallower model: a configuration of its own, not the requested one itself. */
    private boolean isSmallDense() {
        return architecture != full;
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

    /** Parameters are exact; with a global threshold the per-layer densities (so the MACs) are an estimate. */
    @Override
    public boolean exact() {
        return global == null;
    }

    @Override
    public JsonObject json(String model, String method) {
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
        if (isSmallDense()) {
            o.addProperty("depth", architecture.depth());
            o.addProperty("fullDepth", full.depth());
            o.addProperty("budgetParams", SmallDense.budget(full, sparsity));
        }
        if (cost.keptPatches() < cost.patches()) {
            o.addProperty("keptPatches", cost.keptPatches());
            o.addProperty("patches", cost.patches());
        }
        o.add("layers", LayerPlan.layersJson(layers));
        return o;
    }

    @Override
    public String text(String model) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-15s %s, %s%n", "plan", model, label));
        sb.append(String.format(Locale.ROOT, "%-15s %,d non-zero of %,d dense (%.1f %% saved)%s%n", "parameters", params,
                dense.params(), 100.0 * (1 - (double) params / dense.params()), global == null ? "" : ", exact"));
        if (global == null) {
            sb.append(String.format(Locale.ROOT, "%-15s %s of %s dense (%.1f %% saved)%n%n", "MACs / image",
                    CountFormat.human(cost.macs()), CountFormat.human(dense.macs()), 100 * macsSaving()));
        } else {
            sb.append(String.format(Locale.ROOT, "%-15s %s of %s dense (%.1f %% saved) at uniform densities; any"
                            + " allocation lies in [%s, %s]%n%n", "MACs / image", CountFormat.human(cost.macs()),
                    CountFormat.human(dense.macs()), 100 * macsSaving(), CountFormat.human(global.minMacs()),
                    CountFormat.human(global.maxMacs())));
        }
        sb.append(layers.text());
        return sb.toString();
    }
}
