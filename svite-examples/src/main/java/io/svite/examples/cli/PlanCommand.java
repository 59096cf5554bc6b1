package io.svite.examples.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.svite.core.LayerSparsity;
import io.svite.core.SparseTrainer;
import io.svite.core.SparsityReport;
import io.svite.examples.methods.S2viteMethod;
import io.svite.examples.methods.SspMethod;
import io.svite.examples.train.S2viteRecipe;
import io.svite.examples.train.TrainReport;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code svite plan}: what a method would make of a model, without training — per-layer densities,
 * non-zero parameters, MACs and the saving.
 */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = "Show the per-layer densities, non-zero parameters and MACs a method gives a model, without training.")
final class PlanCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "NAME", description = "DeiT preset: deit-mini (default), deit-tiny, deit-small, deit-base.")
    String model = "deit-mini";

    @Option(names = "--method", paramLabel = "NAME", description = "dense (default), svite, s2vite (params and MACs of the compacted model), omp, gmp, tp, ssp (params and MACs of the compacted model), small-dense, vit-slim (the budget's target and a uniform estimate of the compacted model) or vtp (exact with --vtp-ratio).")
    String method = "dense";

    @Option(names = "--json", description = "Print JSON: {model, method, params, denseParams, macs, denseMacs, macsSaving, layers: [{name, shape, density}]}.")
    boolean json;

    @Mixin SviteOptions sparse;

    @Mixin S2viteOptions structured;

    @Mixin TokenOptions tokens;

    private String label;

    @Mixin BaselineOptions baselines;

    @Mixin SspOptions ssp;

    @Mixin MaskSearchOptions masks;

    @Override
    public Integer call() {
        DeiTConfig config = DeiTConfig.preset(model);
        if (tokens.selection() != null) {
            config = config.withTokenSelection(tokens.selection());
        }
        baselines.requireFor(method);
        ssp.requireFor(method);
        masks.requireFor(method);
        if (MaskSearchOptions.METHODS.contains(method)) {
            sparse.requireUnused(method);
            structured.requireUnused(method);
            System.out.print(MaskSearchPlan.of(model, method, config, masks).render(json));
            return 0;
        }
        if (BaselineOptions.METHODS.contains(method)) {
            sparse.requireOnlySparsity(method);
            System.out.print(BaselinePlan.of(model, method, config, sparse.sparsity(), baselines).render(json));
            return 0;
        }
        SparseTrainer recipe;
        // a dense model is SViTE at sparsity 0: every selected weight at density 1
        SparseTrainer dense = SparseTrainer.builder().uniform(0).updateEvery(1).until(1).build();
        switch (method) {
            case "dense":
                sparse.requireUnused(method);
                structured.requireUnused(method);
                recipe = dense;
                label = "dense";
                break;
            case "svite":
                structured.requireUnused(method);
                recipe = SparseTrainer.builder().distribution(sparse.distribution()).updateEvery(1).until(1).build();
                label = "SViTE " + sparse.distribution();
                break;
            case "s2vite": {
                // the compacted model, with SViTE's distribution over its remaining weights under --sparsity
                S2viteRecipe s2vite = structured.recipe(sparse, 0);
                config = S2viteMethod.compactedArchitecture(config, s2vite.budget());
                recipe = s2vite.unstructured() == null
                        ? dense
                        : SparseTrainer.builder().distribution(s2vite.unstructured().distribution()).updateEvery(1)
                                .until(1).build();
                label = "S2ViTE " + s2vite.budget()
                        + (s2vite.unstructured() == null ? "" : " + SViTE " + s2vite.unstructured().distribution());
                break;
            }
            case "ssp": {
                // the compacted model SSP fine-tunes: dense, with the budget's heads and neurons
                sparse.requireUnused(method);
                io.svite.core.UnitBudget budget = structured.budgetFor(method);
                ssp.salience(); // validates --salience
                ssp.batches();
                config = SspMethod.compactedArchitecture(config, budget);
                recipe = dense;
                label = "SSP " + budget + ", compacted";
                break;
            }
            default:
                throw new IllegalArgumentException("unknown method '" + method + "'; known: " + String.join(", ", TrainCommand.METHODS));
        }
        SparsityReport plan;
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT deit = DeiT.of(config);
            deit.initialize(
                    manager, DataType.FLOAT32, new Shape(1, config.channels(), config.imageSize(), config.imageSize()));
            plan = recipe.plan(deit);
        }
        CostReport cost = CostModel.of(config).estimate(plan.densities());
        System.out.print(json ? json(plan, cost) + "\n" : text(plan, cost));
        return 0;
    }

    private String json(SparsityReport plan, CostReport cost) {
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        o.addProperty("method", method);
        o.addProperty("params", cost.params());
        o.addProperty("denseParams", cost.denseParams());
        o.addProperty("macs", cost.macs());
        o.addProperty("denseMacs", cost.denseMacs());
        o.addProperty("macsSaving", cost.macsSaving());
        if (cost.keptPatches() < cost.patches()) {
            o.addProperty("keptPatches", cost.keptPatches());
            o.addProperty("patches", cost.patches());
        }
        JsonArray layers = new JsonArray();
        for (LayerSparsity l : plan.layers()) {
            JsonObject j = new JsonObject();
            j.addProperty("name", l.name());
            JsonArray shape = new JsonArray();
            l.shape().forEach(shape::add);
            j.add("shape", shape);
            j.addProperty("density", l.density());
            layers.add(j);
        }
        o.add("layers", layers);
        return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }

    private String text(SparsityReport plan, CostReport cost) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-15s %s, %s%n", "plan", model, label));
        if (cost.keptPatches() < cost.patches()) {
            sb.append(String.format(Locale.ROOT, "%-15s %d of %d patches kept%n", "tokens", cost.keptPatches(), cost.patches()));
        }
        sb.append(String.format(Locale.ROOT, "%-15s %,d non-zero of %,d dense (%.1f %% saved)%n", "parameters",
                cost.params(), cost.denseParams(), 100 * cost.paramsSaving()));
        sb.append(String.format(Locale.ROOT, "%-15s %s of %s dense (%.1f %% saved)%n%n", "MACs / image",
                TrainReport.human(cost.macs()), TrainReport.human(cost.denseMacs()), 100 * cost.macsSaving()));
        sb.append(plan.text());
        return sb.toString();
    }
}
