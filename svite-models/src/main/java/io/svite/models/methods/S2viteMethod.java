package io.svite.models.methods;

import io.svite.core.SparseRun;
import io.svite.core.SparseTrainingConfig;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.report.SparsityReport;
import io.svite.core.report.UnitGroupReport;
import io.svite.core.report.UnitReport;
import io.svite.core.select.ParameterNames;
import io.svite.core.structured.UnitBudget;
import io.svite.models.compact.Compactor;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.deit.DeiTUnits;
import io.svite.models.io.DeiTFiles;
import io.svite.models.methods.S2viteRecipe;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * S2ViTE: structured dynamic sparse training of attention heads and MLP neurons, ending with the
 * compacted model (see {@code docs/s2vite.md}).
 *
 * <p>The dense DeiT trains with gates (each block keeps the budget's number of heads and neurons;
 * prune-and-grow updates move them), then {@link Compactor} builds the smaller dense DeiT without
 * the gated-off units. That compacted model is the outcome: the run folder's {@code model/} holds
 * it, the report costs it and the final evaluation runs on it. The method evaluates the gated model
 * as well ({@code gatedTestAccuracy} in its settings; the two are equal because compaction is
 * exact) and saves it in {@code gated/} with {@code s2vite-units.json} (the unit report and the
 * active heads and neurons of every block, for a head-survivor map) and, with SViTE masks, {@code
 * svite.masks}.
 */
public final class S2viteMethod implements TrainingMethod {

    /** The folder of the gated (uncompacted) model in a run folder. */
    public static final String GATED = RunFiles.GATED;

    /** The unit report and active units in a run folder. */
    public static final String UNITS = "s2vite-units.json";

    /** The name of the SViTE masks file of the gated model ({@code svite.masks}), with --sparsity. */
    public static final String MASKS = "svite";

    private static final Logger LOG = LoggerFactory.getLogger(S2viteMethod.class);

    private final S2viteRecipe recipe;
    private UnitReport units;
    private double gatedAccuracy = Double.NaN;

    /**
     * Creates the method.
     *
     * @param recipe the S2ViTE settings
     */
    public S2viteMethod(S2viteRecipe recipe) {
        this.recipe = recipe;
    }

    /**
     * The architecture of the compacted model a budget gives a dense DeiT.
     *
     * @param dense the dense architecture
     * @param budget the structured budget
     * @return the compacted architecture
     * @throws IllegalArgumentException if the budget leaves a block without a head or neuron
     */
    public static DeiTConfig compactedArchitecture(DeiTConfig dense, UnitBudget budget) {
        return dense.withBlocks(DeiTUnits.blockShapes(dense, budget));
    }

    @Override
    public String name() {
        return "s2vite";
    }

    /**
     * The compacted model the budget gives, with SViTE's distribution over its remaining weights
     * when the recipe adds SViTE; exact.
     */
    @Override
    public MethodPlan plan(DeiTConfig requested) {
        DeiTConfig compacted = compactedArchitecture(requested, recipe.budget());
        SviteRecipe unstructured = recipe.unstructured();
        String label = "S2ViTE " + recipe.budget() + (unstructured == null ? "" : " + SViTE " + unstructured.distribution());
        return LayerPlan.of(label, compacted,
                unstructured == null ? SparsityDistribution.uniform(0) : unstructured.distribution());
    }

    @Override
    public MethodOutcome train(MethodContext ctx) throws IOException {
        Model gatedModel = ctx.newModel(ctx.architecture());
        SparseTrainingConfig[] run = new SparseTrainingConfig[1];
        ctx.train(
                gatedModel,
                new TrainingPhase(
                        "train",
                        ctx.recipe().epochs(),
                        (base, block, steps) -> run[0] = recipe.trainer(steps).configure(base)));
        units = run[0].run().units();
        Map<String, List<Integer>> active = run[0].run().activeUnits();
        SparseRun sparse = recipe.unstructured() == null ? null : run[0].run();
        SparsityReport sparsity = sparse == null ? null : sparse.report();

        DeiT gated = (DeiT) gatedModel.getBlock();
        Model compacted = ctx.adopt(Model.newInstance("deit", ctx.device()));
        DeiT compact = Compactor.compact(gated, compacted.getNDManager());
        compacted.setBlock(compact);
        gatedAccuracy = ctx.evaluate(gatedModel);
        LOG.info("S2ViTE compacted {} into {} (gated model's test accuracy {})",
                blocks(gated.config()), blocks(compact.config()), gatedAccuracy);
        Map<String, Double> densities = sparse == null ? Map.of() : nonZeroDensities(compact);
        return new MethodOutcome(
                compacted,
                densities,
                sparsity,
                dir -> {
                    DeiTFiles.save(gatedModel, dir.resolve(GATED));
                    RunFiles.writeAtomically(dir.resolve(UNITS), unitsJson(units, active));
                    if (sparse != null) {
                        sparse.save(dir, MASKS);
                    }
                });
    }

    /** Density of every weight layer of a (compacted) model: its exact non-zeros over its size. */
    static Map<String, Double> nonZeroDensities(DeiT model) {
        List<String> layers = CostModel.of(model.config()).weightLayerNames();
        Map<String, Double> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            String layer = ParameterNames.layer(p.getKey());
            if (p.getValue().getType() != Parameter.Type.WEIGHT || !layers.contains(layer)) {
                continue;
            }
            NDArray w = p.getValue().getArray();
            try (NDArray nonZero = w.countNonzero()) {
                out.put(layer, (double) nonZero.getLong() / w.size());
            }
        }
        return out;
    }

    /** The unit report with every group's active unit indices, as the run folder's JSON. */
    static String unitsJson(UnitReport report, Map<String, List<Integer>> active) {
        JsonObject o = new JsonObject();
        o.addProperty("format", "svite-s2vite-units");
        o.addProperty("formatVersion", 1);
        JsonObject r = report.json();
        for (JsonElement e : r.getAsJsonArray("groups")) {
            JsonObject g = e.getAsJsonObject();
            JsonArray indices = new JsonArray();
            active.getOrDefault(g.get("name").getAsString(), List.of()).forEach(indices::add);
            g.add("activeUnits", indices);
        }
        r.entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        return new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n";
    }

    private static String blocks(DeiTConfig config) {
        StringBuilder heads = new StringBuilder();
        StringBuilder neurons = new StringBuilder();
        config.blocks().forEach(b -> {
            heads.append(heads.length() == 0 ? "" : ",").append(b.heads());
            neurons.append(neurons.length() == 0 ? "" : ",").append(b.hidden());
        });
        return "heads " + heads + " / neurons " + neurons;
    }

    @Override
    public JsonObject settings() {
        JsonObject o = new JsonObject();
        o.addProperty("budget", recipe.budget().toString());
        o.addProperty("interval", recipe.interval());
        o.addProperty("end", recipe.end());
        o.addProperty("pruneFraction", recipe.pruneFraction());
        o.addProperty("decay", recipe.decay().toString());
        o.addProperty("neuronPrune", recipe.neuronPrune().toString());
        o.addProperty("scoreWindow", recipe.scoreWindow());
        o.addProperty("regrowPruned", recipe.regrowPruned());
        o.addProperty("gatedUnits", recipe.gatedUnits());
        o.addProperty("unitSeed", recipe.seed());
        if (recipe.unstructured() != null) {
            o.addProperty("distribution", recipe.unstructured().distribution().toString());
            o.addProperty("maskSeed", recipe.unstructured().seed());
        }
        if (!Double.isNaN(gatedAccuracy)) {
            o.addProperty("gatedTestAccuracy", gatedAccuracy);
        }
        if (units != null) {
            o.add("units", units.json());
        }
        return o;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s, α %s %s%s, neurons pruned by %s", recipe.budget(),
                recipe.pruneFraction(), recipe.decay(),
                recipe.interval() > 0 ? ", update every " + recipe.interval() + " steps" : "", recipe.neuronPrune()));
        if (recipe.unstructured() != null) {
            sb.append(", with SViTE ").append(recipe.unstructured().distribution());
        }
        if (units != null) {
            for (UnitGroupReport f : units.families()) {
                sb.append(String.format(Locale.ROOT, "; %s: %d of %d active, %d changed, %d ever active",
                        f.name(), f.active(), f.units(), f.changed(), f.everActive()));
            }
        }
        return sb.toString();
    }
}
