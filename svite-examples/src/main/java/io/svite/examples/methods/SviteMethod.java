package io.svite.examples.methods;

import ai.djl.Model;

import com.google.gson.JsonObject;

import io.svite.core.SparseTrainingConfig;
import io.svite.core.SparsityReport;
import io.svite.examples.train.MethodContext;
import io.svite.examples.train.MethodOutcome;
import io.svite.examples.train.SviteRecipe;
import io.svite.examples.train.TrainingMethod;
import io.svite.examples.train.TrainRecipe;
import io.svite.examples.train.TrainingPhase;
import io.svite.models.deit.DeiTConfig;

import java.util.Locale;

/**
 * SViTE: unstructured dynamic sparse training — the weights are sparse from the first step and
 * prune-and-grow updates move the masks (see {@code docs/svite.md}).
 */
public final class SviteMethod implements TrainingMethod {

    /** The name of the masks file in a run folder ({@code svite.masks}). */
    public static final String MASKS = "svite";

    private final SviteRecipe recipe;

    /**
     * Creates the method.
     *
     * @param recipe the SViTE settings
     */
    public SviteMethod(SviteRecipe recipe) {
        this.recipe = recipe;
    }

    @Override
    public String name() {
        return "svite";
    }

    /** Builds the engine's recipe for the run's steps, which checks its schedule against them. */
    @Override
    public void check(TrainRecipe run, DeiTConfig architecture, long stepsPerEpoch) {
        recipe.trainer(run.epochs() * stepsPerEpoch);
    }

    @Override
    public MethodOutcome train(MethodContext ctx) {
        Model model = ctx.newModel(ctx.architecture());
        SparseTrainingConfig[] sparse = new SparseTrainingConfig[1];
        ctx.train(
                model,
                new TrainingPhase(
                        "train",
                        ctx.recipe().epochs(),
                        (base, block, steps) -> sparse[0] = recipe.trainer(steps).configure(base)));
        SparsityReport report = sparse[0].run().report();
        return new MethodOutcome(model, report.densities(), report, dir -> sparse[0].run().save(dir, MASKS));
    }

    @Override
    public JsonObject settings() {
        JsonObject o = new JsonObject();
        o.addProperty("distribution", recipe.distribution().toString());
        o.addProperty("interval", recipe.interval());
        o.addProperty("end", recipe.end());
        o.addProperty("pruneFraction", recipe.pruneFraction());
        o.addProperty("decay", recipe.decay().toString());
        o.addProperty("maskSeed", recipe.seed());
        return o;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s, α %s %s%s", recipe.distribution(), recipe.pruneFraction(),
                recipe.decay(), recipe.interval() > 0 ? ", update every " + recipe.interval() + " steps" : "");
    }
}
