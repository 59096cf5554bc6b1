package io.svite.core;

import io.svite.core.report.UnitGroupReport;
import io.svite.core.report.UnitReport;
import io.svite.core.schedule.Decay;
import io.svite.core.schedule.UpdateSchedule;
import io.svite.core.structured.StructuredUnits;
import io.svite.core.structured.UnitBudget;
import io.svite.core.structured.UnitCounts;
import io.svite.core.structured.UnitCriterion;
import io.svite.core.structured.UnitFamily;
import io.svite.core.structured.UnitGroup;

import ai.djl.nn.Block;
import ai.djl.training.TrainingConfig;
import ai.djl.training.optimizer.Optimizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured dynamic sparse training (S2ViTE) for any DJL model that declares its units: an
 * immutable, reusable recipe that decorates a {@link TrainingConfig}.
 *
 * <pre>{@code
 * StructuredTrainer structured = StructuredTrainer.builder()
 *         .units(DeiTUnits.declaration())          // the model's heads and neurons
 *         .keep(DeiTUnits.HEADS, 0.7)              // 4 of 6 heads per DeiT-Small block
 *         .keep(DeiTUnits.NEURONS, 0.6)            // 921 of 1536 neurons
 *         .updateEvery(15_000).totalSteps(1_500_000)
 *         .seed(7)
 *         .build();
 * StructuredTrainingConfig config = structured.configure(new DefaultTrainingConfig(loss).optOptimizer(adamW));
 * try (Trainer trainer = model.newTrainer(config)) {
 *     trainer.initialize(inputShape);              // the initial active sets are installed here
 *     EasyTrain.fit(trainer, epochs, train, test);
 * }
 * UnitReport report = config.run().report();       // per group: active, ever active, changed
 * }</pre>
 *
 * <p><b>Units and gates.</b> The model declares {@link UnitGroup}s through a {@link
 * StructuredUnits}: each group has a 0/1 gate multiplied into its units' outputs, the slices that
 * compute the units and the slices that read them. A gate of 0 removes a unit exactly, so a model
 * trained this way compacts into a smaller dense model with the same outputs. Every group keeps
 * exactly the number of active units its {@link UnitBudget} gives; the initial active set of each
 * group is drawn from the seed and the group's name (a model whose gates are already 0/1 with
 * those counts continues from them).
 *
 * <p><b>Updates.</b> On update steps of the {@link UpdateSchedule} (the same schedules as {@link
 * SparseTrainer}), in {@code onTrainingBatch}, each group replaces r = ⌈α_t · active⌉ units: the r
 * active units with the lowest prune score are switched off, then among all inactive units
 * (including those just switched off) the r with the highest grow score are switched on. The
 * default prune score is the family's ({@link UnitFamily#defaultPrune()}: for DeiT, the Taylor
 * score for heads and the weight L1 norm for neurons); the default grow score is the Taylor score
 * |∂L/∂g| of the gate, averaged over the last {@link Builder#scoreWindow(int) score window} batches
 * (10 by default). The output slices of a grown unit are set to exactly 0, so the network's function
 * does not change when it is switched on; its input slices keep their values.
 *
 * <p><b>Gates get gradients but never move.</b> Gates are normally frozen; the engine unfreezes them
 * when training begins (in the Trainer's constructor, before {@code trainer.initialize}, so every
 * device copy gets a gradient) and freezes them again when training ends. The optimizer is wrapped:
 * a gate's update is never passed on and its gradient is zeroed (gradients accumulate across
 * backward passes otherwise), so no optimizer, with any weight decay or momentum, changes a gate.
 * Gates stay exactly 0 or 1.
 *
 * <p><b>With unstructured SViTE.</b> {@link Builder#unstructured(SparseTrainer)} adds SViTE's masks on
 * the weights: {@link #configure} then decorates the configuration with the unstructured engine
 * first and this one around it, so on an update step SViTE rewrites its masks before the structured
 * update zeroes the grown units' output slices (the other order would let SViTE prune those fresh
 * zeros at once). {@code structured.configure(sparse.configure(base))} is equivalent; the reverse
 * order is refused.
 *
 * <p>A wrapped optimizer that implements {@link io.svite.core.optimizer.MaskAwareOptimizer} is told
 * which entries of every slice were pruned and grown, so it can reset their state. Each {@link
 * #configure} starts a fresh run; one configuration drives one trainer. A configuration that read a
 * run checkpoint ({@link StructuredTrainingConfig#readCheckpoint}) continues from it instead: the
 * gates come with the model's weights, the step, update count, score window and ever-active sets
 * from the checkpoint.
 */
public final class StructuredTrainer {

    /** The default number of batches whose Taylor scores are averaged before an update. */
    public static final int DEFAULT_SCORE_WINDOW = 10;

    private final StructuredUnits units;
    private final UnitBudget budget;
    private final UpdateSchedule schedule;
    private final Map<String, UnitCriterion> prune;
    private final Map<String, UnitCriterion> grow;
    private final UnitCriterion defaultGrow;
    private final int scoreWindow;
    private final boolean regrowPruned;
    private final long seed;
    private final SparseTrainer unstructured;

    private StructuredTrainer(Builder b, UnitBudget budget, UpdateSchedule schedule) {
        this.units = b.units;
        this.budget = budget;
        this.schedule = schedule;
        this.prune = Map.copyOf(b.prune);
        this.grow = Map.copyOf(b.grow);
        this.defaultGrow = b.defaultGrow;
        this.scoreWindow = b.scoreWindow;
        this.regrowPruned = b.regrowPruned;
        this.seed = b.seed;
        this.unstructured = b.unstructured;
    }

    /**
     * A new builder: the units, a budget and an interval with an end are required.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decorates a training configuration for one structured run (with the unstructured engine
     * inside it, if the recipe has one).
     *
     * @param config the user's configuration (its optimizer is wrapped, not changed)
     * @return the decorated configuration, whose {@link StructuredTrainingConfig#run()} is the run
     * @throws IllegalArgumentException if the configuration has no optimizer or is already structured
     */
    public StructuredTrainingConfig configure(TrainingConfig config) {
        if (config.getOptimizer() == null) {
            throw new IllegalArgumentException("the training configuration has no optimizer to decorate");
        }
        if (config.getOptimizer() instanceof GateOptimizer) {
            throw new IllegalArgumentException("the training configuration is already structured; configure the original");
        }
        TrainingConfig inner = config;
        if (unstructured != null) {
            if (config.getOptimizer() instanceof MaskingOptimizer) {
                throw new IllegalArgumentException(
                        "the recipe has an unstructured part and the configuration is already sparse; configure the"
                                + " original configuration");
            }
            inner = unstructured.configure(config);
        }
        Optimizer optimizer = inner.getOptimizer();
        StructuredState state = new StructuredState(this, optimizer);
        return new StructuredTrainingConfig(inner, state, new GateOptimizer(optimizer, state));
    }

    /**
     * What the run would start with on this model, without training: every group's active count
     * under the budget (as both its active and ever-active count; nothing has changed yet).
     *
     * @param block the model's block, initialised (the Erdős–Rényi budget needs shapes)
     * @return the planned report at step 0
     * @throws IllegalArgumentException if the declaration or the budget does not fit the model
     */
    public UnitReport plan(Block block) {
        List<UnitGroup> groups = StructuredState.declared(this, block);
        int[] counts = budget.counts(groups);
        List<UnitGroupReport> out = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            UnitGroup g = groups.get(i);
            out.add(new UnitGroupReport(g.name(), g.family().name(), g.units(), counts[i], counts[i], 0, 0));
        }
        return new UnitReport(0, 0, out);
    }

    /**
     * The active count of every group under the budget, by group name, without training.
     *
     * @param block the model's block
     * @return active units per group, in the model's order
     */
    public Map<String, Integer> counts(Block block) {
        Map<String, Integer> out = new LinkedHashMap<>();
        plan(block).groups().forEach(g -> out.put(g.name(), g.active()));
        return out;
    }

    /**
     * The model's declaration of its units.
     *
     * @return the declaration
     */
    public StructuredUnits units() {
        return units;
    }

    /**
     * The budget.
     *
     * @return the budget
     */
    public UnitBudget budget() {
        return budget;
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
     * The prune criterion for a family: the recipe's, else the family's default.
     *
     * @param family the family
     * @return the criterion
     */
    public UnitCriterion prune(UnitFamily family) {
        return prune.getOrDefault(family.name(), family.defaultPrune());
    }

    /**
     * The grow criterion for a family (Taylor unless the recipe says otherwise).
     *
     * @param family the family
     * @return the criterion
     */
    public UnitCriterion grow(UnitFamily family) {
        return grow.getOrDefault(family.name(), defaultGrow);
    }

    /** Families the recipe names in prune or grow criteria, for checking against the model. */
    Iterable<String> namedFamilies() {
        List<String> out = new ArrayList<>(prune.keySet());
        out.addAll(grow.keySet());
        return out;
    }

    /**
     * Batches whose Taylor scores are averaged before each update.
     *
     * @return the window, ≥ 1
     */
    public int scoreWindow() {
        return scoreWindow;
    }

    /**
     * Whether the units pruned in an update compete with the inactive units for growing in the
     * same update.
     *
     * @return true by default
     */
    public boolean regrowPruned() {
        return regrowPruned;
    }

    /**
     * The seed of the initial active sets.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The unstructured part, if any.
     *
     * @return the SViTE recipe run inside this one, or null
     */
    public SparseTrainer unstructured() {
        return unstructured;
    }

    @Override
    public String toString() {
        return "StructuredTrainer[" + budget + ", " + schedule + ", prune " + prune + ", grow " + grow
                + ", score window " + scoreWindow + (regrowPruned ? "" : ", forced swaps") + ", seed " + seed
                + (unstructured == null ? "" : ", with " + unstructured) + "]";
    }

    /** Builds a {@link StructuredTrainer}; setters validate their value, {@link #build()} completeness. */
    public static final class Builder {
        private StructuredUnits units;
        private UnitBudget budget;
        private final Map<UnitFamily, Double> fractions = new LinkedHashMap<>();
        private final UpdateSchedule.Builder scheduleParts = UpdateSchedule.builder();
        private boolean partsGiven;
        private UpdateSchedule schedule;
        private final Map<String, UnitCriterion> prune = new LinkedHashMap<>();
        private final Map<String, UnitCriterion> grow = new LinkedHashMap<>();
        private UnitCriterion defaultGrow = UnitCriterion.taylor();
        private int scoreWindow = DEFAULT_SCORE_WINDOW;
        private boolean regrowPruned = true;
        private long seed;
        private SparseTrainer unstructured;

        private Builder() {}

        /**
         * The model's declaration of its units (required).
         *
         * @param units e.g. {@code DeiTUnits.declaration()}
         * @return this builder
         * @throws IllegalArgumentException if null
         */
        public Builder units(StructuredUnits units) {
            if (units == null) {
                throw new IllegalArgumentException("the unit declaration must not be null");
            }
            this.units = units;
            return this;
        }

        /**
         * Keeps a fraction of every group of a family active (with one call per family, this is
         * {@link UnitBudget#fractions}).
         *
         * @param family the family
         * @param fraction the fraction kept, in (0, 1]
         * @return this builder
         * @throws IllegalArgumentException for a fraction outside (0, 1]
         */
        public Builder keep(UnitFamily family, double fraction) {
            if (family == null) {
                throw new IllegalArgumentException("unit family must not be null");
            }
            fractions.put(family, UnitCounts.checkFraction(family.name(), fraction));
            return this;
        }

        /**
         * One structured sparsity, the same in every group: each keeps 1 − s of its units.
         *
         * @param sparsity s in [0, 1)
         * @return this builder
         * @throws IllegalArgumentException for s outside [0, 1)
         */
        public Builder sparsity(double sparsity) {
            return budget(UnitBudget.uniform(sparsity));
        }

        /**
         * One structured sparsity shared out Erdős–Rényi style over the groups.
         *
         * @param sparsity s in [0, 1)
         * @return this builder
         * @throws IllegalArgumentException for s outside [0, 1)
         */
        public Builder erdosRenyi(double sparsity) {
            return budget(UnitBudget.erdosRenyi(sparsity));
        }

        /**
         * Any budget.
         *
         * @param budget the budget
         * @return this builder
         * @throws IllegalArgumentException if null
         */
        public Builder budget(UnitBudget budget) {
            if (budget == null) {
                throw new IllegalArgumentException("budget must not be null");
            }
            this.budget = budget;
            return this;
        }

        /**
         * Updates the active sets every T steps.
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
         * The initial fraction α of each group's active units replaced per update (default 0.5).
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
         * How α falls (default: the paper's cosine).
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
         * How active units of a family are scored for pruning (default: the family's own, {@link
         * UnitFamily#defaultPrune()}).
         *
         * @param family the family
         * @param criterion the criterion
         * @return this builder
         * @throws IllegalArgumentException if either is null
         */
        public Builder prune(UnitFamily family, UnitCriterion criterion) {
            if (family == null || criterion == null) {
                throw new IllegalArgumentException("prune needs a unit family and a criterion");
            }
            prune.put(family.name(), criterion);
            return this;
        }

        /**
         * How inactive units of a family are scored for growing (default: {@link
         * UnitCriterion#taylor()}).
         *
         * @param family the family
         * @param criterion the criterion
         * @return this builder
         * @throws IllegalArgumentException if either is null
         */
        public Builder grow(UnitFamily family, UnitCriterion criterion) {
            if (family == null || criterion == null) {
                throw new IllegalArgumentException("grow needs a unit family and a criterion");
            }
            grow.put(family.name(), criterion);
            return this;
        }

        /**
         * How many batches' Taylor scores |∂L/∂g| are averaged before an update (default {@value
         * #DEFAULT_SCORE_WINDOW}; 1 uses the update step's batch alone, as the reference code). The
         * window never reaches back past the previous update.
         *
         * @param batches the window, ≥ 1
         * @return this builder
         * @throws IllegalArgumentException if &lt; 1
         */
        public Builder scoreWindow(int batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("score window must be >= 1 batch, got " + batches);
            }
            this.scoreWindow = batches;
            return this;
        }

        /**
         * Whether a unit pruned in an update may be grown back in the same update (default true:
         * the just-pruned units compete with the inactive ones on the grow score, as in RigL and
         * SViTE, so a swap happens only when an inactive unit scores higher). With false, every
         * update replaces exactly min(r, inactive units) units: exploration is forced even when the
         * trained units outscore the dormant ones, which they usually do on the Taylor score (see
         * docs/s2vite.md).
         *
         * @param regrow false to grow only among units inactive before the update
         * @return this builder
         */
        public Builder regrowPruned(boolean regrow) {
            this.regrowPruned = regrow;
            return this;
        }

        /**
         * The seed of the initial active sets (default 0).
         *
         * @param seed any value
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Also trains the weights with unstructured SViTE masks (see the class comment).
         *
         * @param sparse the SViTE recipe, or null for none
         * @return this builder
         */
        public Builder unstructured(SparseTrainer sparse) {
            this.unstructured = sparse;
            return this;
        }

        /**
         * Builds the recipe.
         *
         * @return the immutable recipe
         * @throws IllegalStateException if the units, the budget, the interval or the end is missing,
         *     or the budget or the schedule was given twice
         * @throws IllegalArgumentException if the end is not after the start
         */
        public StructuredTrainer build() {
            if (units == null) {
                throw new IllegalStateException("units not set: call units(...) with the model's declaration");
            }
            if (budget != null && !fractions.isEmpty()) {
                throw new IllegalStateException("give either keep(family, fraction) or one budget, not both");
            }
            if (budget == null && fractions.isEmpty()) {
                throw new IllegalStateException(
                        "budget not set: call keep(family, fraction), sparsity(s), erdosRenyi(s) or budget(...)");
            }
            if (schedule != null && partsGiven) {
                throw new IllegalStateException(
                        "give either schedule(...) or updateEvery/from/until/totalSteps/pruneFraction/decay, not both");
            }
            UnitBudget b = budget != null ? budget : UnitBudget.fractions(fractions);
            return new StructuredTrainer(this, b, schedule != null ? schedule : scheduleParts.build());
        }
    }
}
