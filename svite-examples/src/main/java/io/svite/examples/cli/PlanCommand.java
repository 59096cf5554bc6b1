package io.svite.examples.cli;

import io.svite.core.schedule.Decay;
import io.svite.core.structured.UnitBudget;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.DenseMethod;
import io.svite.models.methods.EpochSplit;
import io.svite.models.methods.MethodPlan;
import io.svite.models.methods.Methods;
import io.svite.models.methods.PruningPlan;
import io.svite.models.methods.S2viteMethod;
import io.svite.models.methods.ShapePlan;
import io.svite.models.methods.SspMethod;
import io.svite.models.methods.SviteMethod;
import io.svite.models.methods.SviteRecipe;

import com.google.gson.GsonBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code svite plan}: what a method would make of a model, without training — per-layer densities,
 * non-zero parameters, MACs and the saving. The plans are the library's ({@link MethodPlan}); this
 * command turns the options into the method and prints its plan.
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
        MethodPlan plan = plan(config);
        System.out.print(json ? new GsonBuilder().setPrettyPrinting().create().toJson(plan.json(model, method)) + "\n"
                : plan.text(model));
        return 0;
    }

    /** The library's plan of the method, from the options a plan depends on (the others are only checked). */
    private MethodPlan plan(DeiTConfig config) {
        if (MaskSearchOptions.METHODS.contains(method)) {
            sparse.requireUnused(method);
            structured.requireUnused(method);
            return method.equals("vtp")
                    ? ShapePlan.vtp(config, masks.vtpRatio())
                    : ShapePlan.vitSlim(config, masks.slimBudget(), masks.measure(), masks.slimPatches());
        }
        if (BaselineOptions.METHODS.contains(method)) {
            sparse.requireOnlySparsity(method);
            return method.equals("small-dense")
                    ? PruningPlan.smallDense(config, sparse.sparsity(), baselines.depthRule())
                    : PruningPlan.of(method, config, sparse.sparsity(), baselines.scopeOf(method));
        }
        switch (method) {
            case "dense":
                sparse.requireUnused(method);
                structured.requireUnused(method);
                return new DenseMethod().plan(config);
            case "svite":
                structured.requireUnused(method);
                // only the distribution decides a plan; the schedule options are not read
                return new SviteMethod(new SviteRecipe(sparse.distribution(), 0, 0, 0.5, Decay.cosine(), 0)).plan(config);
            case "s2vite":
                // the compacted model, with SViTE's distribution over its remaining weights under --sparsity
                return new S2viteMethod(structured.recipe(sparse, 0)).plan(config);
            case "ssp": {
                // the compacted model SSP fine-tunes: dense, with the budget's heads and neurons
                sparse.requireUnused(method);
                UnitBudget budget = structured.budgetFor(method);
                return new SspMethod(budget, ssp.salience(), new EpochSplit(1, 1), ssp.batches()).plan(config);
            }
            default:
                throw new IllegalArgumentException("unknown method '" + method + "'; known: " + String.join(", ", Methods.names()));
        }
    }
}
