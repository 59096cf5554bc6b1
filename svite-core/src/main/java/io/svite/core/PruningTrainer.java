package io.svite.core;

import io.svite.core.criteria.PruneCriterion;
import io.svite.core.distribution.PruningScope;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.report.SparsityReport;
import io.svite.core.schedule.PruningEvent;
import io.svite.core.schedule.PruningSchedule;
import io.svite.core.select.ParameterSelector;

import ai.djl.training.TrainingConfig;
import ai.djl.training.optimizer.Optimizer;

/**
 * Pruning during or around training — the baselines SViTE is compared with — for any DJL model:
 * an immutable, reusable recipe that decorates a {@link TrainingConfig}, like {@link
 * SparseTrainer}.
 *
 * <pre>{@code
 * // GMP: gradual magnitude pruning, every layer to the same sparsity, cubic schedule
 * PruningTrainer gmp = PruningTrainer.builder()
 *         .schedule(PruningSchedule.cubic().sparsity(0.5).from(total / 6).until(total / 2).events(20).build())
 *         .scope(PruningScope.uniform())
 *         .build();
 * PruningTrainingConfig config = gmp.configure(new DefaultTrainingConfig(loss).optOptimizer(adamW));
 * try (Trainer trainer = model.newTrainer(config)) {
 *     trainer.initialize(inputShape);
 *     EasyTrain.fit(trainer, epochs, train, test);
 * }
 * SparsityReport report = config.run().report();
 *
 * // OMP: prune a trained model once, globally by magnitude, then fine-tune with the mask fixed
 * PruningTrainer omp = PruningTrainer.builder().schedule(PruningSchedule.oneShot(0.5)).build();
 * }</pre>
 *
 * <p><b>What it does.</b> On each {@link PruningEvent} of the {@link PruningSchedule} the selected
 * weights (by default every trainable 2-D and 4-D weight, as for SViTE) are scored by the {@link
 * PruneCriterion} and, among the entries still kept, the lowest are pruned until the selection has
 * the event's sparsity — ranked together over all tensors ({@link PruningScope#global()}, one
 * threshold: the default) or tensor by tensor at densities a {@link SparsityDistribution} fixes.
 * The count is exact (ties are broken by rank), and an entry pruned once stays pruned: masks only
 * shrink. Pruned weights are set to exactly 0 at the event and kept there: the optimizer is wrapped
 * so that every update masks the gradient, delegates and masks the weight. A criterion that reads
 * the gradient ({@link PruneCriterion#taylor()}) is summed on the device over the batches since
 * the previous event (or the last {@link Builder#scoreWindow} of them). A delegate that implements
 * {@link io.svite.core.optimizer.MaskAwareOptimizer} is told which entries were pruned.
 *
 * <p><b>Lifecycle.</b> Events at step t ≥ 1 happen in the t-th {@code onTrainingBatch}, after the
 * batch's backward pass and before its optimizer step. An event at step 0 ({@link
 * PruningSchedule#oneShot}) and masks to start from ({@link Builder#startFrom}) are applied when the
 * trainer is created, before the first forward pass; both need a model whose weights exist (a
 * trained or loaded one). Before the first event nothing is masked. Each {@link #configure} starts
 * a fresh run; one configuration drives one trainer. A configuration that read a run checkpoint
 * ({@link PruningTrainingConfig#readCheckpoint}) continues from it instead: its masks, counters and
 * summed scores, no step-0 event and no start masks.
 */
public final class PruningTrainer {

    private final PruningSchedule schedule;
    private final PruningScope scope;
    private final PruneCriterion criterion;
    private final ParameterSelector selector;
    private final long scoreWindow;
    private final MaskSet startFrom;

    private PruningTrainer(Builder b) {
        this.schedule = b.schedule;
        this.scope = b.scope;
        this.criterion = b.criterion;
        this.selector = b.selector;
        this.scoreWindow = b.scoreWindow;
        this.startFrom = b.startFrom;
    }

    /**
     * A new builder: a schedule is required.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decorates a training configuration for one pruning run.
     *
     * @param config the user's configuration (its optimizer is wrapped, not changed)
     * @return the decorated configuration, whose {@link PruningTrainingConfig#run()} is the run
     * @throws IllegalArgumentException if the configuration has no optimizer or is already sparse
     */
    public PruningTrainingConfig configure(TrainingConfig config) {
        Optimizer optimizer = config.getOptimizer();
        if (optimizer == null) {
            throw new IllegalArgumentException("the training configuration has no optimizer to prune with");
        }
        if (optimizer instanceof MaskingOptimizer) {
            throw new IllegalArgumentException("the training configuration is already sparse; configure the original");
        }
        PruningState state = new PruningState(this, optimizer);
        return new PruningTrainingConfig(config, state, new MaskingOptimizer(optimizer, state::update));
    }

    /**
     * The pruning schedule.
     *
     * @return the schedule
     */
    public PruningSchedule schedule() {
        return schedule;
    }

    /**
     * Global or per-layer ranking.
     *
     * @return the scope
     */
    public PruningScope scope() {
        return scope;
    }

    /**
     * How entries are scored.
     *
     * @return the criterion
     */
    public PruneCriterion criterion() {
        return criterion;
    }

    /**
     * Which parameters are pruned.
     *
     * @return the selector
     */
    public ParameterSelector selector() {
        return selector;
    }

    /**
     * How many batches before an event a gradient criterion is summed over.
     *
     * @return the window in steps, 0 for every step since the previous event
     */
    public long scoreWindow() {
        return scoreWindow;
    }

    /**
     * The masks the run starts from, or null to start dense.
     *
     * @return the masks, or null
     */
    public MaskSet startFrom() {
        return startFrom;
    }

    @Override
    public String toString() {
        return "PruningTrainer[" + schedule + ", " + scope + ", " + criterion + ", select " + selector
                + (scoreWindow > 0 ? ", score window " + scoreWindow : "")
                + (startFrom != null ? ", from given masks" : "") + "]";
    }

    /** Builds a {@link PruningTrainer}; setters validate their value, {@link #build()} completeness. */
    public static final class Builder {
        private PruningSchedule schedule;
        private PruningScope scope = PruningScope.global();
        private PruneCriterion criterion = PruneCriterion.magnitude();
        private ParameterSelector selector = ParameterSelector.weights();
        private long scoreWindow;
        private MaskSet startFrom;

        private Builder() {}

        /**
         * When to prune and to which sparsity (required).
         *
         * @param schedule the schedule
         * @return this builder
         * @throws IllegalArgumentException if null
         */
        public Builder schedule(PruningSchedule schedule) {
            if (schedule == null) {
                throw new IllegalArgumentException("pruning schedule must not be null");
            }
            this.schedule = schedule;
            return this;
        }

        /**
         * Global (the default) or per-layer ranking.
         *
         * @param scope the scope
         * @return this builder
         * @throws IllegalArgumentException if null
         */
        public Builder scope(PruningScope scope) {
            if (scope == null) {
                throw new IllegalArgumentException("pruning scope must not be null");
            }
            this.scope = scope;
            return this;
        }

        /**
         * One threshold over all selected weights (the default).
         *
         * @return this builder
         */
        public Builder global() {
            return scope(PruningScope.global());
        }

        /**
         * How entries are scored (default: magnitude |W|).
         *
         * @param criterion the criterion
         * @return this builder
         * @throws IllegalArgumentException if null
         */
        public Builder criterion(PruneCriterion criterion) {
            if (criterion == null) {
                throw new IllegalArgumentException("prune criterion must not be null");
            }
            this.criterion = criterion;
            return this;
        }

        /**
         * Which parameters are pruned (default: {@link ParameterSelector#weights()}).
         *
         * @param selector the selector
         * @return this builder
         * @throws IllegalArgumentException if null
         */
        public Builder select(ParameterSelector selector) {
            if (selector == null) {
                throw new IllegalArgumentException("parameter selector must not be null");
            }
            this.selector = selector;
            return this;
        }

        /**
         * Sums a gradient criterion over at most the last {@code steps} batches before each event
         * (default 0: every batch since the previous event, or since the start).
         *
         * @param steps the window ≥ 0
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder scoreWindow(long steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("score window must be >= 0 steps (0 = since the previous event), got " + steps);
            }
            this.scoreWindow = steps;
            return this;
        }

        /**
         * Starts from these masks instead of dense: they are multiplied into the weights before the
         * first forward pass and only shrink from there (with {@link PruningSchedule#none()} they
         * stay fixed). The run copies them when the trainer is created.
         *
         * @param masks masks for exactly the selected tensors, e.g. from {@link PruningRun#masks()}
         * @return this builder
         * @throws IllegalArgumentException if null
         */
        public Builder startFrom(MaskSet masks) {
            if (masks == null) {
                throw new IllegalArgumentException("masks to start from must not be null");
            }
            this.startFrom = masks;
            return this;
        }

        /**
         * Builds the recipe.
         *
         * @return the immutable recipe
         * @throws IllegalStateException if the schedule is missing, or a gradient criterion is asked
         *     to prune at step 0 (no gradient exists before the first batch)
         */
        public PruningTrainer build() {
            if (schedule == null) {
                throw new IllegalStateException(
                        "pruning schedule not set: call schedule(PruningSchedule.oneShot(s) | at(step, s) | cubic()... | none())");
            }
            if (criterion.usesGradient() && !schedule.events().isEmpty() && schedule.events().get(0).step() == 0) {
                throw new IllegalStateException(
                        "the " + criterion + " criterion reads gradients, and a pruning event at step 0 comes before"
                                + " any; prune at a step >= 1 (e.g. the last step of a dense phase)");
            }
            return new PruningTrainer(this);
        }
    }
}
