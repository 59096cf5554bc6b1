package io.svite.examples.methods;

import ai.djl.Model;

import io.svite.examples.train.MethodContext;
import io.svite.examples.train.MethodOutcome;
import io.svite.examples.train.TrainingMethod;
import io.svite.examples.train.TrainingPhase;

/** Plain dense training: one phase, every weight trained. */
public final class DenseMethod implements TrainingMethod {

    @Override
    public String name() {
        return "dense";
    }

    @Override
    public MethodOutcome train(MethodContext ctx) {
        Model model = ctx.newModel(ctx.architecture());
        ctx.train(model, TrainingPhase.plain("train", ctx.recipe().epochs()));
        return MethodOutcome.dense(model);
    }
}
