package io.svite.core;

import io.svite.core.criteria.GrowCriterion;
import io.svite.core.criteria.PruneCriterion;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.report.LayerSparsity;
import io.svite.core.report.SparsityReport;
import io.svite.core.schedule.Decay;
import io.svite.core.schedule.UpdateSchedule;
import io.svite.core.select.ParameterSelector;
import io.svite.core.select.UniqueNames;
import io.svite.core.select.WeightSelector;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.TrainingConfig;
import ai.djl.training.optimizer.Optimizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unstructured dynamic sparse training (SViTE) for any DJL model: an immutable, reusable recipe
 * that decorates a {@link TrainingConfig}.
 *
 * <pre>{@code
 * SparseTrainer sparse = SparseTrainer.builder()
 *         .erdosRenyiKernel(0.5)          // overall sparsity of the selected weights
 *         .updateEvery(15_000)            // T
 *         .until(1_200_000)               // no updates from this step on
 *         .pruneFraction(0.5)             // α, decayed by the paper's cosine
 *         .seed(7)
 *         .build();
 * SparseTrainingConfig config = sparse.configure(new DefaultTrainingConfig(loss).optOptimizer(adamW));
 * try (Trainer trainer = model.newTrainer(config)) {
 *     trainer.initialize(inputShape);     // masks are installed here: the first pass is sparse
 *     EasyTrain.fit(trainer, epochs, train, test);
 * }
 * SparsityReport report = config.run().report();
 * }</pre>
 *
 * <p><b>What it does.</b> Each selected weight (by default every trainable 2-D and 4-D weight)
 * gets a 0/1 mask with exactly round(density · size) active entries, the densities coming from
 * the {@link SparsityDistribution} and the entries from the seed. The optimizer is wrapped so
 * that every update masks the gradient, delegates and masks the weight: masked weights stay exactly
 * 0 with any DJL optimizer. On update steps of the {@link UpdateSchedule} a listener, in {@code
 * onTrainingBatch} (after backward, before {@code trainer.step()}), replaces ⌈α_t · active⌉ active
 * weights per layer: the lowest {@link PruneCriterion} scores go, the highest {@link GrowCriterion}
 * scores among inactive entries (using the dense gradient of the batch, summed over devices) come
 * in at exactly 0. Counts never change; fully dense layers are skipped; everything runs on the
 * device. A delegate that implements {@link io.svite.core.optimizer.MaskAwareOptimizer} is told
 * which entries were pruned and grown so it can reset their state; other optimizers keep it.
 *
 * <p><b>Lifecycle and the first forward pass.</b> DJL's {@code Trainer} constructor calls {@code
 * onTrainingBegin} before {@code trainer.initialize(...)}, when a fresh block has no arrays yet.
 * If the model's parameters already have arrays (a loaded model, a block initialised by hand),
 * the masks are installed right there. Otherwise the engine briefly wraps the initializer of every
 * parameter still without an array; {@code trainer.initialize(...)} creates the arrays through
 * them and, as soon as the last one exists, the masks are drawn and multiplied into the fresh
 * arrays — before the parameter store copies them to the training devices and before any forward
 * pass — and the original initializers are restored. Either way the first training forward pass
 * is already sparse. (Should arrays appear by other means, the masks are installed at the first
 * {@code onTrainingBatch}, with a warning that the first pass was dense.)
 *
 * <p>Steps are counted by the decorator (one per optimizer step of the first selected parameter on
 * the first device), so they match the optimizer's updates however the loop is written; rewrites
 * need DJL's {@code onTrainingBatch}, which {@code EasyTrain.trainBatch} fires. Each {@link
 * #configure} starts a fresh run; one configuration drives one trainer.
 */
public final class SparseTrainer {

    private final SparsityDistribution distribution;
    private final UpdateSchedule schedule;
    private final PruneCriterion prune;
    private final GrowCriterion grow;
    private final ParameterSelector selector;
    private final long seed;

    private SparseTrainer(Builder b, UpdateSchedule schedule) {
        this.distribution = b.distribution;
        this.schedule = schedule;
        this.prune = b.prune;
        this.grow = b.grow;
        this.selector = b.selector;
        this.seed = b.seed;
    }

    /**
     * A new builder: a sparsity (distribution), an interval and an end are required.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decorates a training configuration for one sparse run.
     *
     * @param config the user's configuration (its optimizer is wrapped, not changed)
     * @return the decorated configuration, whose {@link SparseTrainingConfig#run()} is the run
     * @throws IllegalArgumentException if the configuration has no optimizer
     */
    public SparseTrainingConfig configure(TrainingConfig config) {
        Optimizer optimizer = config.getOptimizer();
        if (optimizer == null) {
            throw new IllegalArgumentException("the training configuration has no optimizer to make sparse");
        }
        if (optimizer instanceof MaskingOptimizer) {
            throw new IllegalArgumentException("the training configuration is already sparse; configure the original");
        }
        if (optimizer instanceof GateOptimizer) {
            throw new IllegalArgumentException(
                    "the training configuration is already structured; apply the unstructured engine first,"
                            + " structured.configure(sparse.configure(base)), or give it to"
                            + " StructuredTrainer.Builder.unstructured(...)");
        }
        SparseState state = new SparseState(this, optimizer);
        return new SparseTrainingConfig(config, state, new MaskingOptimizer(optimizer, state::update));
    }

    /**
     * What the run would start with on this model, without training: the selected tensors, their
     * shapes, densities and exact active counts.
     *
     * @param block the model's block, initialised (or at least with parameter shapes)
     * @return the planned report at step 0
     * @throws IllegalArgumentException if the selector names an unknown layer or selects nothing
     */
    public SparsityReport plan(Block block) {
        selector.checkNames(block);
        Map<String, Parameter> selected = selector.select(block);
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("the model has no parameter that the selector '" + selector + "' picks");
        }
        UniqueNames names = UniqueNames.of(block);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        selected.forEach((name, p) -> shapes.put(names.display(name), WeightSelector.shapeOf(name, p)));
        Map<String, Long> counts = targetCounts(shapes);
        List<LayerSparsity> layers = new ArrayList<>();
        for (String name : selected.keySet()) {
            String display = names.display(name);
            Shape shape = shapes.get(display);
            long count = counts.get(display);
            layers.add(new LayerSparsity(names.layer(name), display, shape.getShape(), shape.size(), count, count));
        }
        return new SparsityReport(0, 0, layers);
    }

    /** Exact active counts: round(density · size), at least 1 and at most size. */
    Map<String, Long> targetCounts(Map<String, Shape> shapes) {
        Map<String, Double> densities = distribution.densities(shapes);
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            long size = e.getValue().size();
            long count = Math.round(densities.get(e.getKey()) * size);
            out.put(e.getKey(), Math.max(1, Math.min(size, count)));
        }
        return out;
    }

    /**
     * The sparsity distribution.
     *
     * @return the distribution
     */
    public SparsityDistribution distribution() {
        return distribution;
    }

    /**
     * The update schedule.
     *
     * @return the schedule
     */
    public UpdateSchedule schedule() {
        return schedule;
    }

    /**
     * The prune criterion.
     *
     * @return the criterion
     */
    public PruneCriterion prune() {
        return prune;
    }

    /**
     * The grow criterion.
     *
     * @return the criterion
     */
    public GrowCriterion grow() {
        return grow;
    }

    /**
     * The parameter selector.
     *
     * @return the selector
     */
    public ParameterSelector selector() {
        return selector;
    }

    /**
     * The seed of the initial masks.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "SparseTrainer[" + distribution + ", " + schedule + ", prune " + prune + ", grow " + grow
                + ", select " + selector + ", seed " + seed + "]";
    }

    /** Builds a {@link SparseTrainer}; setters validate their value, {@link #build()} completeness. */
    public static final class Builder {
        private SparsityDistribution distribution;
        private final UpdateSchedule.Builder scheduleParts = UpdateSchedule.builder();
        private boolean partsGiven;
        private UpdateSchedule schedule;
        private PruneCriterion prune = PruneCriterion.magnitude();
        private GrowCriterion grow = GrowCriterion.gradientMagnitude();
        private ParameterSelector selector = ParameterSelector.weights();
        private long seed;

        private Builder() {}

        /**
         * Density 1 − s in every selected tensor.
         *
         * @param sparsity s in [0, 1)
         * @return this builder
         * @throws IllegalArgumentException if s is outside [0, 1)
         */
        public Builder uniform(double sparsity) {
            return distribution(SparsityDistribution.uniform(sparsity));
        }

        /**
         * Erdős–Rényi densities for overall sparsity s.
         *
         * @param sparsity s in [0, 1)
         * @return this builder
         * @throws IllegalArgumentException if s is outside [0, 1)
         */
        public Builder erdosRenyi(double sparsity) {
            return distribution(SparsityDistribution.erdosRenyi(sparsity));
        }

        /**
         * Erdős–Rényi-Kernel densities for overall sparsity s (the reference code's choice).
         *
         * @param sparsity s in [0, 1)
         * @return this builder
         * @throws IllegalArgumentException if s is outside [0, 1)
         */
        public Builder erdosRenyiKernel(double sparsity) {
            return distribution(SparsityDistribution.erdosRenyiKernel(sparsity));
        }

        /**
         * Any sparsity distribution.
         *
         * @param distribution the distribution
         * @return this builder
         * @throws IllegalArgumentException if null
         */
        public Builder distribution(SparsityDistribution distribution) {
            if (distribution == null) {
                throw new IllegalArgumentException("distribution must not be null");
            }
            this.distribution = distribution;
            return this;
        }

        /**
         * Rewrites the masks every T steps.
         *
         * @param interval T ≥ 1
         * @return this builder
         * @throws IllegalArgumentException if T &lt; 1
         */
        public Builder updateEvery(long interval) {
            scheduleParts.every(interval);
            this.partsGiven = true;
            return this;
        }

        /**
         * Counts intervals from this step (default 0).
         *
         * @param step the start step ≥ 0
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder from(long step) {
            scheduleParts.from(step);
            this.partsGiven = true;
            return this;
        }

        /**
         * No updates from this step on.
         *
         * @param step the end step ≥ 1
         * @return this builder
         * @throws IllegalArgumentException if &lt; 1
         */
        public Builder until(long step) {
            scheduleParts.until(step);
            this.partsGiven = true;
            return this;
        }

        /**
         * The run's total number of steps: the end defaults to 80 % of it.
         *
         * @param steps the total ≥ 1
         * @return this builder
         * @throws IllegalArgumentException if &lt; 1
         */
        public Builder totalSteps(long steps) {
            scheduleParts.totalSteps(steps);
            this.partsGiven = true;
            return this;
        }

        /**
         * The initial prune fraction α (default 0.5).
         *
         * @param alpha α in (0, 1]
         * @return this builder
         * @throws IllegalArgumentException if outside (0, 1]
         */
        public Builder pruneFraction(double alpha) {
            scheduleParts.pruneFraction(alpha);
            this.partsGiven = true;
            return this;
        }

        /**
         * α decays as α/2 · (1 + cos(π t / T_end)), to 0 at the end step, as in the paper (the default).
         *
         * @return this builder
         */
        public Builder cosineDecay() {
            return decay(Decay.cosine());
        }

        /**
         * α decays by a cosine towards {@code floor} over the whole run, as in the reference code (0.005).
         *
         * @param floor the floor in [0, 1)
         * @return this builder
         * @throws IllegalArgumentException if outside [0, 1)
         */
        public Builder cosineDecay(double floor) {
            return decay(Decay.cosineWithFloor(floor));
        }

        /**
         * α decays linearly to 0 at the end step.
         *
         * @return this builder
         */
        public Builder linearDecay() {
            return decay(Decay.linear());
        }

        /**
         * α stays constant.
         *
         * @return this builder
         */
        public Builder constantFraction() {
            return decay(Decay.constant());
        }

        /**
         * Any decay of α.
         *
         * @param decay the decay
         * @return this builder
         * @throws IllegalArgumentException if null
         */
        public Builder decay(Decay decay) {
            scheduleParts.decay(decay);
            this.partsGiven = true;
            return this;
        }

        /**
         * A complete schedule, instead of {@link #updateEvery}, {@link #until} and the rest.
         *
         * @param schedule the schedule
         * @return this builder
         * @throws IllegalArgumentException if null
         */
        public Builder schedule(UpdateSchedule schedule) {
            if (schedule == null) {
                throw new IllegalArgumentException("schedule must not be null");
            }
            this.schedule = schedule;
            return this;
        }

        /**
         * How active weights are scored for pruning (default: magnitude).
         *
         * @param criterion the criterion
         * @return this builder
         * @throws IllegalArgumentException if null
         */
        public Builder prune(PruneCriterion criterion) {
            if (criterion == null) {
                throw new IllegalArgumentException("prune criterion must not be null");
            }
            this.prune = criterion;
            return this;
        }

        /**
         * How inactive weights are scored for growing (default: gradient magnitude, as RigL).
         *
         * @param criterion the criterion
         * @return this builder
         * @throws IllegalArgumentException if null
         */
        public Builder grow(GrowCriterion criterion) {
            if (criterion == null) {
                throw new IllegalArgumentException("grow criterion must not be null");
            }
            this.grow = criterion;
            return this;
        }

        /**
         * Which parameters get masks (default: {@link ParameterSelector#weights()}).
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
         * The seed of the initial masks (default 0): the same seed gives the same masks bit for bit.
         *
         * @param seed any value
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the recipe.
         *
         * @return the immutable recipe
         * @throws IllegalStateException if the sparsity, the interval or the end is missing, or a
         *     schedule was given twice
         * @throws IllegalArgumentException if the end is not after the start
         */
        public SparseTrainer build() {
            if (distribution == null) {
                throw new IllegalStateException(
                        "sparsity not set: call uniform(s), erdosRenyi(s), erdosRenyiKernel(s) or distribution(...)");
            }
            if (schedule != null && partsGiven) {
                throw new IllegalStateException(
                        "give either schedule(...) or updateEvery/from/until/totalSteps/pruneFraction/decay, not both");
            }
            return new SparseTrainer(this, schedule != null ? schedule : scheduleParts.build());
        }
    }
}
