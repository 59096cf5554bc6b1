package io.svite.models.methods;

import io.svite.core.SparseTrainer;
import io.svite.core.SparseTrainingConfig;
import io.svite.core.criteria.PruneCriterion;
import io.svite.core.distribution.PruningScope;
import io.svite.core.engine.MaskSet;
import io.svite.core.report.SparsityReport;
import io.svite.core.schedule.PruningSchedule;
import io.svite.models.deit.DeiTConfig;

import ai.djl.Model;

import com.google.gson.JsonObject;

import java.util.Locale;

/**
 * TP, Taylor pruning: weights are ranked by the first-order Taylor estimate of the loss change
 * |w · ∂L/∂w|, summed on the device over the batches before each pruning event, and the lowest
 * are pruned — gradually on GMP's cubic schedule (the default, as Molchanov et al. prune
 * iteratively during training) or once, after a dense phase, followed by fine-tuning with the mask
 * fixed (see {@code docs/baselines.md}).
 *
 * <p>The default scope is global: the scores estimate a change of the loss, a quantity with the
 * same meaning in every layer, so one ranking over the model is sound (unlike raw magnitudes).
 * One-shot: the scores are summed over the last {@link #scoreWindow()} batches of the dense phase
 * and the event is its last step; the masks are then handed to the fine-tuning phase, whose report
 * (0 events of its own) is the run's.
 */
public final class TaylorMethod implements TrainingMethod {

    /** The name of the masks file in a run folder ({@code tp.masks}). */
    public static final String MASKS = "tp";

    /** One event after a dense phase, or gradual events on the cubic schedule. */
    public enum Mode {
        /** Dense phase, one event at its last step, fine-tuning with the mask fixed. */
        ONE_SHOT,
        /** One run with events on the cubic schedule. */
        GRADUAL
    }

    private final double sparsity;
    private final PruningScope scope;
    private final Mode mode;
    private final GradualPruning gradual;
    private final EpochSplit split;
    private final long scoreWindow;

    private TaylorMethod(
            double sparsity, PruningScope scope, Mode mode, GradualPruning gradual, EpochSplit split, long scoreWindow) {
        PruningSchedule.oneShot(sparsity); // validates the sparsity
        if (scoreWindow < 0) {
            throw new IllegalArgumentException("score window must be >= 1 batch (or 0 for one epoch), got " + scoreWindow);
        }
        this.sparsity = sparsity;
        this.scope = scope;
        this.mode = mode;
        this.gradual = gradual;
        this.split = split;
        this.scoreWindow = scoreWindow;
    }

    /**
     * Gradual Taylor pruning on the cubic schedule.
     *
     * @param sparsity the final sparsity in [0, 1)
     * @param scope global (default) or per-layer
     * @param gradual when the events happen
     * @param scoreWindow batches summed before each event (bounded by the previous event), 0 for one epoch
     * @return the method
     */
    public static TaylorMethod gradual(double sparsity, PruningScope scope, GradualPruning gradual, long scoreWindow) {
        if (gradual.initialSparsity() > sparsity) {
            throw new IllegalArgumentException(
                    "initial sparsity " + gradual.initialSparsity() + " is above the final sparsity " + sparsity);
        }
        return new TaylorMethod(sparsity, scope, Mode.GRADUAL, gradual, null, scoreWindow);
    }

    /**
     * One-shot Taylor pruning after a dense phase, then fine-tuning.
     *
     * @param sparsity the sparsity in [0, 1)
     * @param scope global (default) or per-layer
     * @param split dense and fine-tuning epochs
     * @param scoreWindow batches at the end of the dense phase that are summed, 0 for one epoch
     * @return the method
     */
    public static TaylorMethod oneShot(double sparsity, PruningScope scope, EpochSplit split, long scoreWindow) {
        return new TaylorMethod(sparsity, scope, Mode.ONE_SHOT, null, split, scoreWindow);
    }

    @Override
    public String name() {
        return "tp";
    }

    /**
     * The batches summed before an event, given the batches of one epoch.
     *
     * @return the configured window, 0 for one epoch
     */
    public long scoreWindow() {
        return scoreWindow;
    }

    private long window(MethodContext ctx) {
        return scoreWindow > 0 ? scoreWindow : ctx.batchesPerEpoch();
    }

    /** Exact parameters; with the global scope (the default) the MACs are a uniform estimate within exact bounds. */
    @Override
    public MethodPlan plan(DeiTConfig requested) {
        return PruningPlan.of(name(), requested, sparsity, scope);
    }

    @Override
    public MethodOutcome train(MethodContext ctx) {
        Model model = ctx.newModel(ctx.architecture());
        long window = window(ctx);
        if (mode == Mode.GRADUAL) {
            SparseTrainingConfig[] run = new SparseTrainingConfig[1];
            ctx.train(
                    model,
                    new TrainingPhase(
                            "train",
                            ctx.recipe().epochs(),
                            (base, block, steps) -> run[0] = taylor(gradual.schedule(steps, sparsity), window).configure(base)));
            SparsityReport report = run[0].run().report();
            return new MethodOutcome(model, report.densities(), report, dir -> run[0].run().save(dir, MASKS));
        }
        SparseTrainingConfig[] dense = new SparseTrainingConfig[1];
        ctx.train(
                model,
                new TrainingPhase(
                        "dense",
                        split.dense(),
                        (base, block, steps) -> dense[0] = taylor(PruningSchedule.at(steps, sparsity), window).configure(base)));
        if (dense[0].run().updates() != 1) {
            throw new IllegalStateException(
                    "the Taylor pruning event at the last step of the dense phase did not happen (" + dense[0].run().step()
                            + " steps trained)");
        }
        SparseTrainingConfig[] finetune = new SparseTrainingConfig[1];
        try (MaskSet masks = dense[0].run().masks()) {
            dense[0].run().release();
            SparseTrainer fixed = SparseTrainer.builder().pruning(PruningSchedule.none()).startFrom(masks).build();
            ctx.train(model, new TrainingPhase("finetune", split.finetune(), (base, block, steps) -> finetune[0] = fixed.configure(base)));
        }
        SparsityReport report = finetune[0].run().report();
        return new MethodOutcome(model, report.densities(), report, dir -> finetune[0].run().save(dir, MASKS));
    }

    private SparseTrainer taylor(PruningSchedule schedule, long window) {
        return SparseTrainer.builder()
                .pruning(schedule)
                .pruningScope(scope)
                .prune(PruneCriterion.taylor())
                .pruningScoreWindow(window)
                .build();
    }

    @Override
    public JsonObject settings() {
        JsonObject o = new JsonObject();
        o.addProperty("sparsity", sparsity);
        o.addProperty("scope", scope.toString());
        o.addProperty("criterion", "taylor");
        o.addProperty("mode", mode == Mode.GRADUAL ? "gradual" : "one-shot");
        o.addProperty("scoreWindow", scoreWindow);
        if (mode == Mode.GRADUAL) {
            o.addProperty("pruneStart", gradual.start());
            o.addProperty("pruneEnd", gradual.end());
            o.addProperty("pruneEvents", gradual.events());
            o.addProperty("initialSparsity", gradual.initialSparsity());
        } else {
            o.addProperty("denseEpochs", split.dense());
            o.addProperty("finetuneEpochs", split.finetune());
        }
        return o;
    }

    @Override
    public String describe() {
        String window = scoreWindow > 0 ? scoreWindow + " batches" : "one epoch";
        if (mode == Mode.GRADUAL) {
            return String.format(Locale.ROOT, "gradual %s Taylor |w·g| pruning to %s, %s, scores over %s", scope,
                    sparsity, gradual, window);
        }
        return String.format(Locale.ROOT,
                "one-shot %s Taylor |w·g| pruning to %s after %d dense epoch(s) (scores over the last %s), %d fine-tuning",
                scope, sparsity, split.dense(), window, split.finetune());
    }
}
