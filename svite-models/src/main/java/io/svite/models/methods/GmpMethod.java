package io.svite.models.methods;

import io.svite.core.SparseTrainer;
import io.svite.core.SparseTrainingConfig;
import io.svite.core.criteria.PruneCriterion;
import io.svite.core.distribution.PruningScope;
import io.svite.core.report.SparsityReport;
import io.svite.core.schedule.PruningSchedule;
import io.svite.models.deit.DeiTConfig;

import ai.djl.Model;

import com.google.gson.JsonObject;

import java.util.Locale;

/**
 * GMP, gradual magnitude pruning (Zhu &amp; Gupta): one training run during which the smallest
 * weights are pruned at n events on a cubic schedule (by default 20 events from 1/6 to 1/2 of the
 * steps); a pruned weight never comes back (see {@code docs/baselines.md}).
 *
 * <p>The default scope is per layer, every layer at the same sparsity, as Zhu &amp; Gupta prune:
 * magnitudes of layers with different scales are not comparable, and the per-layer densities (so
 * the MACs) are known before training.
 */
public final class GmpMethod implements TrainingMethod {

    /** The name of the masks file in a run folder ({@code gmp.masks}). */
    public static final String MASKS = "gmp";

    private final double sparsity;
    private final PruningScope scope;
    private final GradualPruning gradual;

    /**
     * Creates the method.
     *
     * @param sparsity the final sparsity of the selected weights, in [0, 1)
     * @param scope per-layer (default uniform) or global ranking
     * @param gradual when the events happen
     */
    public GmpMethod(double sparsity, PruningScope scope, GradualPruning gradual) {
        PruningSchedule.oneShot(sparsity); // validates the sparsity
        if (gradual.initialSparsity() > sparsity) {
            throw new IllegalArgumentException(
                    "initial sparsity " + gradual.initialSparsity() + " is above the final sparsity " + sparsity);
        }
        this.sparsity = sparsity;
        this.scope = scope;
        this.gradual = gradual;
    }

    @Override
    public String name() {
        return "gmp";
    }

    /**
     * The pruning of a run of {@code totalSteps} steps.
     *
     * @param totalSteps the run's optimizer steps
     * @return the recipe
     */
    public SparseTrainer pruning(long totalSteps) {
        return SparseTrainer.builder()
                .pruning(gradual.schedule(totalSteps, sparsity))
                .pruningScope(scope)
                .prune(PruneCriterion.magnitude())
                .build();
    }

    /** Exact with a per-layer scope (the default); see {@link PruningPlan}. */
    @Override
    public MethodPlan plan(DeiTConfig requested) {
        return PruningPlan.of(name(), requested, sparsity, scope);
    }

    @Override
    public MethodOutcome train(MethodContext ctx) {
        Model model = ctx.newModel(ctx.architecture());
        SparseTrainingConfig[] run = new SparseTrainingConfig[1];
        ctx.train(
                model,
                new TrainingPhase("train", ctx.recipe().epochs(), (base, block, steps) -> run[0] = pruning(steps).configure(base)));
        SparsityReport report = run[0].run().report();
        return new MethodOutcome(model, report.densities(), report, dir -> run[0].run().save(dir, MASKS));
    }

    @Override
    public JsonObject settings() {
        JsonObject o = new JsonObject();
        o.addProperty("sparsity", sparsity);
        o.addProperty("scope", scope.toString());
        o.addProperty("criterion", "magnitude");
        o.addProperty("pruneStart", gradual.start());
        o.addProperty("pruneEnd", gradual.end());
        o.addProperty("pruneEvents", gradual.events());
        o.addProperty("initialSparsity", gradual.initialSparsity());
        return o;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "gradual %s magnitude pruning to %s, %s", scope, sparsity, gradual);
    }
}
