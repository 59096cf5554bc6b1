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
 * OMP, one-shot magnitude pruning: train dense, prune the trained weights once to the target
 * sparsity by one global magnitude threshold (layers end with different densities), then fine-tune
 * with the mask fixed (see {@code docs/baselines.md}).
 *
 * <p>Phases: {@code dense} for {@link EpochSplit#dense()} epochs, then {@code finetune} for the
 * rest; the pruning happens when the fine-tuning trainer is created, before its first forward
 * pass, so pruned weights are exactly 0 throughout fine-tuning. Each phase has its own warm-up and
 * cosine learning rate and a fresh optimizer.
 */
public final class OmpMethod implements TrainingMethod {

    /** The name of the masks file in a run folder ({@code omp.masks}). */
    public static final String MASKS = "omp";

    private final double sparsity;
    private final PruningScope scope;
    private final EpochSplit split;

    /**
     * Creates the method.
     *
     * @param sparsity the target sparsity of the selected weights, in [0, 1)
     * @param scope global (OMP as published) or a per-layer scope (an ablation)
     * @param split dense and fine-tuning epochs
     */
    public OmpMethod(double sparsity, PruningScope scope, EpochSplit split) {
        PruningSchedule.oneShot(sparsity); // validates the sparsity
        this.sparsity = sparsity;
        this.scope = scope;
        this.split = split;
    }

    @Override
    public String name() {
        return "omp";
    }

    /**
     * The pruning of the fine-tuning phase: one event at step 0, by magnitude.
     *
     * @return the recipe
     */
    public SparseTrainer pruning() {
        return SparseTrainer.builder()
                .pruning(PruningSchedule.oneShot(sparsity))
                .pruningScope(scope)
                .prune(PruneCriterion.magnitude())
                .build();
    }

    /** Exact parameters; with the global scope the MACs are a uniform estimate within exact bounds. */
    @Override
    public MethodPlan plan(DeiTConfig requested) {
        return PruningPlan.of(name(), requested, sparsity, scope);
    }

    @Override
    public MethodOutcome train(MethodContext ctx) {
        Model model = ctx.newModel(ctx.architecture());
        ctx.train(model, TrainingPhase.plain("dense", split.dense()));
        SparseTrainer pruning = pruning();
        SparseTrainingConfig[] finetune = new SparseTrainingConfig[1];
        ctx.train(
                model,
                new TrainingPhase("finetune", split.finetune(), (base, block, steps) -> finetune[0] = pruning.configure(base)));
        SparsityReport report = finetune[0].run().report();
        return new MethodOutcome(model, report.densities(), report, dir -> finetune[0].run().save(dir, MASKS));
    }

    @Override
    public JsonObject settings() {
        JsonObject o = new JsonObject();
        o.addProperty("sparsity", sparsity);
        o.addProperty("scope", scope.toString());
        o.addProperty("criterion", "magnitude");
        o.addProperty("denseEpochs", split.dense());
        o.addProperty("finetuneEpochs", split.finetune());
        return o;
    }

    @Override
    public String describe() {
        return String.format(
                Locale.ROOT, "one-shot %s magnitude pruning to %s after %d dense epoch(s), %d fine-tuning", scope,
                sparsity, split.dense(), split.finetune());
    }
}
