package io.svite.models.methods;

import io.svite.core.SparseTrainer;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.report.LayerSparsity;
import io.svite.core.report.SparsityReport;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.cost.CountFormat;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.Locale;

/**
 * The plan of a method that fixes every layer's density in advance: dense training, SViTE's
 * distribution, and the compacted models of S2ViTE and SSP. Exact.
 *
 * @param label what is planned, e.g. {@code SViTE erdos-renyi-kernel(0.5)}
 * @param architecture the planned model (compacted for S2ViTE and SSP)
 * @param layers every masked layer's shape and density
 * @param cost the planned model's cost at those densities, with its dense counterpart
 */
public record LayerPlan(String label, DeiTConfig architecture, SparsityReport layers, CostReport cost)
        implements MethodPlan {

    /**
     * Plans a distribution over the weights of an architecture.
     *
     * @param label what is planned
     * @param config the architecture (with its token selection, if any)
     * @param distribution how sparse each weight layer is
     * @return the plan
     */
    public static LayerPlan of(String label, DeiTConfig config, SparsityDistribution distribution) {
        SparsityReport plan = layers(config, distribution);
        return new LayerPlan(label, config, plan, CostModel.of(config).estimate(plan.densities()));
    }

    /**
     * The densities a distribution gives the layers of an architecture, from a throw-away model.
     *
     * @param config the architecture
     * @param distribution the distribution
     * @return the per-layer report
     */
    static SparsityReport layers(DeiTConfig config, SparsityDistribution distribution) {
        SparseTrainer recipe = SparseTrainer.builder().distribution(distribution).updateEvery(1).until(1).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT deit = DeiT.of(config);
            deit.initialize(
                    manager, DataType.FLOAT32, new Shape(1, config.channels(), config.imageSize(), config.imageSize()));
            return recipe.plan(deit);
        }
    }

    @Override
    public long params() {
        return cost.params();
    }

    @Override
    public long denseParams() {
        return cost.denseParams();
    }

    @Override
    public double macs() {
        return cost.macs();
    }

    @Override
    public double denseMacs() {
        return cost.denseMacs();
    }

    @Override
    public double macsSaving() {
        return cost.macsSaving();
    }

    @Override
    public double paramsSaving() {
        return cost.paramsSaving();
    }

    @Override
    public boolean exact() {
        return true;
    }

    @Override
    public JsonObject json(String model, String method) {
        JsonObject o = jsonHeader(model, method);
        if (cost.keptPatches() < cost.patches()) {
            o.addProperty("keptPatches", cost.keptPatches());
            o.addProperty("patches", cost.patches());
        }
        o.add("layers", layersJson(layers));
        return o;
    }

    /** Every layer's name, shape and density, as the plans' JSON lists them. */
    static JsonArray layersJson(SparsityReport report) {
        JsonArray layers = new JsonArray();
        for (LayerSparsity l : report.layers()) {
            JsonObject j = new JsonObject();
            j.addProperty("name", l.name());
            JsonArray shape = new JsonArray();
            l.shape().forEach(shape::add);
            j.add("shape", shape);
            j.addProperty("density", l.density());
            layers.add(j);
        }
        return layers;
    }

    @Override
    public String text(String model) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-15s %s, %s%n", "plan", model, label));
        if (cost.keptPatches() < cost.patches()) {
            sb.append(String.format(Locale.ROOT, "%-15s %d of %d patches kept%n", "tokens", cost.keptPatches(), cost.patches()));
        }
        sb.append(String.format(Locale.ROOT, "%-15s %,d non-zero of %,d dense (%.1f %% saved)%n", "parameters",
                cost.params(), cost.denseParams(), 100 * cost.paramsSaving()));
        sb.append(String.format(Locale.ROOT, "%-15s %s of %s dense (%.1f %% saved)%n%n", "MACs / image",
                CountFormat.human(cost.macs()), CountFormat.human(cost.denseMacs()), 100 * cost.macsSaving()));
        sb.append(layers.text());
        return sb.toString();
    }
}
