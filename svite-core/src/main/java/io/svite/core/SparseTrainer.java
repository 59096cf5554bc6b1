package io.svite.core;

import io.svite.core.criteria.GrowCriterion;
import io.svite.core.engine.MaskPolicy;
import io.svite.core.engine.MaskedOptimizer;
import io.svite.core.engine.SparseEngine;
import io.svite.core.policy.DynamicMasks;
import io.svite.core.policy.PruningSettings;
import io.svite.core.policy.ScheduledPruning;
import io.svite.core.policy.UnitSettings;
import io.svite.core.policy.UnitSwaps;
import io.svite.core.report.LayerSparsity;
import io.svite.core.report.SparsityReport;
import io.svite.core.report.UnitGroupReport;
import io.svite.core.report.UnitReport;
import io.svite.core.schedule.UpdateSchedule;
import io.svite.core.select.UniqueNames;
import io.svite.core.select.WeightSelector;
import io.svite.core.structured.UnitBudget;
import io.svite.core.structured.UnitCriterion;
import io.svite.core.structured.UnitGroup;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.TrainingConfig;
import ai.djl.training.optimizer.Optimizer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sparse training for any DJL model: one immutable, reusable recipe — unstructured masks (SViTE),
 * unit budgets (S2ViTE), a pruning schedule (OMP, GMP, Taylor), or masks and units together — that
 * decorates a {@link TrainingConfig} and leaves the rest of the user's DJL code unchanged.
 *
 * <pre>{@code
 * SparseTrainer sparse = SparseTrainer.builder().erdosRenyi(0.5).build();
 * SparseTrainingConfig config = sparse.configure(new DefaultTrainingConfig(loss).optOptimizer(adamW), totalSteps);
 * try (Trainer trainer = model.newTrainer(config)) {
 *     trainer.initialize(inputShape);     // masks are installed here: the first pass is sparse
 *     EasyTrain.fit(trainer, epochs, train, test);
 * }
 * SparsityReport report = config.run().report();
 * }</pre>
 *
 * <p><b>Defaults.</b> Masks and units are updated every {@value #DEFAULT_INTERVAL} steps (RigL's
 * interval), replacing α = 0.5 of the active entries at first, α decaying by the paper's cosine to
 * 0 at the end step, which is 80 % of the run. The run's length comes from {@link
 * RecipeBuilder#totalSteps}, {@link RecipeBuilder#until} or {@link #configure(TrainingConfig,
 * long)}; without one the updates go on until training stops with α constant (logged as a warning).
 * Weights: magnitude pruning, gradient growth (RigL), every trainable 2-D and 4-D weight. Units: the
 * family's prune criterion, Taylor growth over a window of {@value #DEFAULT_SCORE_WINDOW} batches.
 *
 * <p><b>What it does.</b> The decorated configuration wraps the optimizer ({@link MaskedOptimizer}:
 * masked weights stay exactly 0 under any DJL optimizer, gates never move) and appends the engine's
 * listener, which installs the masks inside {@code trainer.initialize} and runs the updates in
 * {@code onTrainingBatch}, between backward and {@code trainer.step()}, on the device. Each {@link
 * #configure} starts a fresh run; one configuration drives one trainer.
 */
public final class SparseTrainer {

    /** The default update interval in steps (RigL's). */
    public static final long DEFAULT_INTERVAL = ScheduleBuilder.DEFAULT_INTERVAL;

    /** The default number of batches whose Taylor scores are averaged before a unit update. */
    public static final int DEFAULT_SCORE_WINDOW = RecipeBuilder.DEFAULT_SCORE_WINDOW;

    private static final Logger logger = LoggerFactory.getLogger(SparseTrainer.class);

    private final DynamicMasks.Settings weights;
    private final UnitSettings units;
    private final PruningSettings pruning;
    private final ScheduleSpec schedule;
    private final long seed;

    SparseTrainer(RecipeBuilder<?> b) {
        this.weights = b.distribution == null
                ? null
                : new DynamicMasks.Settings(b.distribution, b.prune,
                        b.grow != null ? b.grow : io.svite.core.criteria.GrowCriterion.gradientMagnitude(), b.selector,
                        b.seed);
        this.units = b.units == null
                ? null
                : new UnitSettings(b.units, b.unitBudget != null ? b.unitBudget : UnitBudget.fractions(b.fractions),
                        b.unitPrune, b.unitGrow, io.svite.core.structured.UnitCriterion.taylor(), b.scoreWindow,
                        b.regrowPruned, b.gatedUnits, b.unitSeed != null ? b.unitSeed : b.seed);
        this.pruning = b.pruning == null
                ? null
                : new PruningSettings(b.pruning, b.pruningScope, b.prune, b.selector, b.pruningScoreWindow, b.startFrom);
        this.schedule = b.spec();
        this.seed = b.seed;
    }

    /**
     * A new builder; see {@link RecipeBuilder} for every part and default.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decorates a training configuration for one run of the recipe's length (or of unknown length).
     *
     * @param config the user's configuration (its optimizer is wrapped, not changed)
     * @return the decorated configuration, whose {@link SparseTrainingConfig#run()} is the run
     * @throws IllegalArgumentException if the configuration has no optimizer or is already sparse
     */
    public SparseTrainingConfig configure(TrainingConfig config) {
        return configure(config, null);
    }

    /**
     * Decorates a training configuration for one run of {@code totalSteps} optimizer steps: the
     * updates end at 80 % of them unless the recipe says {@code until}.
     *
     * @param config the user's configuration (its optimizer is wrapped, not changed)
     * @param totalSteps the run's steps, ≥ 1
     * @return the decorated configuration
     * @throws IllegalArgumentException if the configuration has no optimizer or is already sparse,
     *     or the recipe's end step is after the run's last step
     */
    public SparseTrainingConfig configure(TrainingConfig config, long totalSteps) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total steps must be >= 1, got " + totalSteps);
        }
        return configure(config, Long.valueOf(totalSteps));
    }

    private SparseTrainingConfig configure(TrainingConfig config, Long totalSteps) {
        Optimizer optimizer = config.getOptimizer();
        if (optimizer == null) {
            throw new IllegalArgumentException("the training configuration has no optimizer to make sparse");
        }
        if (optimizer instanceof MaskedOptimizer) {
            throw new IllegalArgumentException("the training configuration is already sparse; configure the original");
        }
        return new SparseTrainingConfig(config, new SparseEngine(policies(totalSteps), optimizer, "SparseTrainer"), seed);
    }

    /** The policies of one run, in the order they run: weight masks, units, pruning. */
    private List<MaskPolicy> policies(Long totalSteps) {
        List<MaskPolicy> out = new ArrayList<>();
        if (weights != null || units != null) {
            UpdateSchedule s = schedule.resolve(totalSteps);
            if (totalSteps == null && schedule.needsLength()) {
                logger.warn("the run's length is unknown: masks are updated {}; give totalSteps(n) or until(step),"
                        + " or configure(config, totalSteps), to end the updates at 80 % of the run with α annealed", s);
            }
            if (weights != null) {
                out.add(new DynamicMasks(weights, s));
            }
            if (units != null) {
                out.add(new UnitSwaps(units, s));
            }
        }
        if (pruning != null) {
            out.add(new ScheduledPruning(pruning));
        }
        return out;
    }

    /**
     * What the unstructured masks would start with on this model, without training: the selected
     * tensors, their shapes, densities and exact active counts.
     *
     * @param block the model's block, initialised (or at least with parameter shapes)
     * @return the planned report at step 0
     * @throws IllegalStateException if the recipe has no unstructured masks
     * @throws IllegalArgumentException if the selector names an unknown layer or selects nothing
     */
    public SparsityReport plan(Block block) {
        if (weights == null) {
            throw new IllegalStateException("the recipe masks no weights; planUnits(block) plans its unit groups");
        }
        weights.selector().checkNames(block);
        Map<String, Parameter> selected = weights.selector().select(block);
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("the model has no parameter that the selector '" + weights.selector() + "' picks");
        }
        UniqueNames names = UniqueNames.of(block);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        selected.forEach((name, p) -> shapes.put(names.display(name), WeightSelector.shapeOf(name, p)));
        Map<String, Long> counts = DynamicMasks.targetCounts(weights.distribution(), shapes);
        List<LayerSparsity> layers = new ArrayList<>();
        for (String name : selected.keySet()) {
            String display = names.display(name);
            Shape shape = shapes.get(display);
            long count = counts.get(display);
            layers.add(new LayerSparsity(names.layer(name), display, shape.getShape(), shape.size(), count, count));
        }
        return new SparsityReport(0, 0, layers);
    }

    /**
     * What the unit groups would start with on this model, without training: every group's active
     * count under the budget.
     *
     * @param block the model's block, initialised (the Erdős–Rényi budget needs shapes)
     * @return the planned report at step 0
     * @throws IllegalStateException if the recipe has no unit budgets
     * @throws IllegalArgumentException if the declaration or the budget does not fit the model
     */
    public UnitReport planUnits(Block block) {
        if (units == null) {
            throw new IllegalStateException("the recipe has no unit budgets; plan(block) plans its masks");
        }
        List<UnitGroup> groups = units.declared(block);
        int[] counts = units.budget().counts(groups);
        List<UnitGroupReport> out = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            UnitGroup g = groups.get(i);
            out.add(new UnitGroupReport(g.name(), g.family().name(), g.units(), counts[i], counts[i], 0, 0));
        }
        return new UnitReport(0, 0, out);
    }

    /**
     * The active count of every unit group under the budget, by group name, without training.
     *
     * @param block the model's block
     * @return active units per group, in the model's order
     * @throws IllegalStateException if the recipe has no unit budgets
     */
    public Map<String, Integer> unitCounts(Block block) {
        Map<String, Integer> out = new LinkedHashMap<>();
        planUnits(block).groups().forEach(g -> out.put(g.name(), g.active()));
        return out;
    }

    /**
     * The update schedule of a run of unknown length (the recipe's own end or total, if it has one).
     *
     * @return the schedule
     */
    public UpdateSchedule schedule() {
        return schedule.resolve(null);
    }

    /**
     * The update schedule of a run of {@code totalSteps} steps.
     *
     * @param totalSteps the run's steps
     * @return the schedule
     */
    public UpdateSchedule schedule(long totalSteps) {
        return schedule.resolve(totalSteps);
    }

    /**
     * The unstructured part.
     *
     * @return the masks' settings, or null if the recipe masks no weights
     */
    public DynamicMasks.Settings weights() {
        return weights;
    }

    /**
     * The structured part.
     *
     * @return the units' settings, or null if the recipe has no unit budgets
     */
    public UnitSettings units() {
        return units;
    }

    /**
     * The pruning part.
     *
     * @return the pruning schedule's settings, or null if the recipe has none
     */
    public PruningSettings pruning() {
        return pruning;
    }

    @Override
    public String toString() {
        return "SparseTrainer[" + (weights == null ? "" : weights + ", ") + (units == null ? "" : units + ", ")
                + (pruning == null ? "" : pruning + ", ") + schedule() + "]";
    }

    /** Builds a {@link SparseTrainer}: the setters are {@link RecipeBuilder}'s. */
    public static final class Builder extends RecipeBuilder<Builder> {

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the recipe.
         *
         * @return the immutable recipe
         * @throws IllegalStateException if nothing is made sparse, a part is incomplete, or parts clash
         * @throws IllegalArgumentException if the end step is not after the start
         */
        public SparseTrainer build() {
            return buildTrainer();
        }
    }
}
