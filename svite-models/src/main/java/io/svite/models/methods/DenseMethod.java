package io.svite.models.methods;

import io.svite.core.distribution.SparsityDistribution;
import io.svite.models.deit.DeiTConfig;

import ai.djl.Model;

/** Plain dense training: one phase, every weight trained. */
public final class DenseMethod implements TrainingMethod {

    @Override
    public String name() {
        return "dense";
    }

    /** Every weight at density 1. */
    @Override
    public MethodPlan plan(DeiTConfig requested) {
        return LayerPlan.of("dense", requested, SparsityDistribution.uniform(0));
    }

    @Override
    public MethodOutcome train(MethodContext ctx) {
        Model model = ctx.newModel(ctx.architecture());
        ctx.train(model, TrainingPhase.plain("train", ctx.recipe().epochs()));
        return MethodOutcome.dense(model);
    }
}
