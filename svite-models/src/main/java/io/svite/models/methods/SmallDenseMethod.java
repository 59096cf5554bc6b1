package io.svite.models.methods;

import io.svite.models.cost.DepthRule;
import io.svite.models.cost.SmallDense;
import io.svite.models.deit.DeiTConfig;

import ai.djl.Model;

import com.google.gson.JsonObject;

import java.util.Locale;

/**
 * Small-Dense: a shallower dense DeiT with about the parameters a sparse model of the full depth
 * keeps at a sparsity — the question "is sparsity better than just a smaller dense model?" (see
 * {@code docs/baselines.md}). The depth comes from {@link SmallDense} through {@link
 * #architecture}; training is plain dense training; costs are reported against the full-depth
 * dense model the recipe asked for.
 */
public final class SmallDenseMethod implements TrainingMethod {

    private final double sparsity;
    private final DepthRule rule;
    private DeiTConfig requested;
    private DeiTConfig chosen;

    /**
     * Creates the method.
     *
     * @param sparsity the sparsity whose parameter budget the shallow model matches, in [0, 1)
     * @param rule nearest depth (default) or the largest within the budget
     */
    public SmallDenseMethod(double sparsity, DepthRule rule) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
        this.sparsity = sparsity;
        this.rule = rule;
    }

    @Override
    public String name() {
        return "small-dense";
    }

    @Override
    public DeiTConfig architecture(DeiTConfig full) {
        requested = full;
        chosen = SmallDense.config(full, sparsity, rule);
        return chosen;
    }

    /** The shallower dense model, exact, its savings against the full-depth one. */
    @Override
    public MethodPlan plan(DeiTConfig requested) {
        return PruningPlan.smallDense(requested, sparsity, rule);
    }

    @Override
    public MethodOutcome train(MethodContext ctx) {
        Model model = ctx.newModel(ctx.architecture());
        ctx.train(model, TrainingPhase.plain("train", ctx.recipe().epochs()));
        return MethodOutcome.dense(model);
    }

    @Override
    public JsonObject settings() {
        JsonObject o = new JsonObject();
        o.addProperty("sparsity", sparsity);
        o.addProperty("depthRule", rule.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        if (chosen != null) {
            o.addProperty("depth", chosen.depth());
            o.addProperty("fullDepth", requested.depth());
            o.addProperty("budgetParams", SmallDense.budget(requested, sparsity));
        }
        return o;
    }

    @Override
    public String describe() {
        if (chosen == null) {
            return String.format(Locale.ROOT, "the budget of sparsity %s (%s depth)", sparsity, rule);
        }
        return String.format(Locale.ROOT, "%d of %d blocks, dense: the %,d-parameter budget of sparsity %s (%s depth)",
                chosen.depth(), requested.depth(), SmallDense.budget(requested, sparsity), sparsity,
                rule.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
}
