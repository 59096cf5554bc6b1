package io.svite.core;

import io.svite.core.criteria.GrowCriterion;
import io.svite.core.criteria.PruneCriterion;
import io.svite.core.distribution.PruningScope;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.engine.MaskSet;
import io.svite.core.schedule.PruningSchedule;
import io.svite.core.select.ParameterSelector;
import io.svite.core.structured.StructuredUnits;
import io.svite.core.structured.UnitBudget;
import io.svite.core.structured.UnitCounts;
import io.svite.core.structured.UnitCriterion;
import io.svite.core.structured.UnitFamily;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The setters of a sparse training recipe, shared by {@link SparseTrainer.Builder} and builders
 * that add model-specific parts (e.g. a DeiT's token budget). Each setter checks its value and
 * names the allowed range; {@code build()} checks that the parts fit together and names the
 * setter that is missing.
 *
 * <p>Three parts, any of which a recipe may combine (except weight masks with a pruning schedule,
 * which would both mask the weights):
 *
 * <ul>
 *   <li><b>unstructured masks</b> (SViTE): {@link #erdosRenyi}, {@link #erdosRenyiKernel}, {@link
 *       #uniform} or {@link #distribution}, with {@link #prune(PruneCriterion)}, {@link #grow},
 *       {@link #select};
 *   <li><b>unit budgets</b> (S2ViTE): {@link #units} and {@link #keep} (or {@link #unitSparsity},
 *       {@link #unitBudget}), with {@link #prune(UnitFamily, UnitCriterion)}, {@link
 *       #grow(UnitFamily, UnitCriterion)}, {@link #scoreWindow}, {@link #regrowPruned}, {@link
 *       #unitSeed}, {@link #gatedUnits};
 *   <li><b>a pruning schedule</b> (OMP, GMP, Taylor pruning): {@link #pruning}, with {@link
 *       #pruningScope}, {@link #prune(PruneCriterion)}, {@link #pruningScoreWindow}, {@link #startFrom}.
 * </ul>
 *
 * <p>The masks and the units share one update schedule: {@link #updateEvery} (default {@value
 * #DEFAULT_INTERVAL} steps), {@link #until} or {@link #totalSteps} (updates end at 80 %
 * of the run), {@link #pruneFraction} (α, default 0.5) and a decay (the paper's cosine).
 *
 * @param <B> the concrete builder
 */
public abstract class RecipeBuilder<B extends RecipeBuilder<B>> extends ScheduleBuilder<B> {

    /** The default number of batches whose Taylor scores are averaged before a unit update. */
    static final int DEFAULT_SCORE_WINDOW = 10;

    SparsityDistribution distribution;
    PruneCriterion prune = PruneCriterion.magnitude();
    GrowCriterion grow;
    ParameterSelector selector = ParameterSelector.weights();
    StructuredUnits units;
    UnitBudget unitBudget;
    final Map<UnitFamily, Double> fractions = new LinkedHashMap<>();
    final Map<String, UnitCriterion> unitPrune = new LinkedHashMap<>();
    final Map<String, UnitCriterion> unitGrow = new LinkedHashMap<>();
    int scoreWindow = DEFAULT_SCORE_WINDOW;
    boolean regrowPruned = true;
    boolean gatedUnits;
    Long unitSeed;
    final Set<String> unitOptions = new LinkedHashSet<>();
    PruningSchedule pruning;
    PruningScope pruningScope = PruningScope.global();
    long pruningScoreWindow;
    MaskSet startFrom;
    final Set<String> pruningOptions = new LinkedHashSet<>();

    /** For subclasses. */
    protected RecipeBuilder() {}


    // ---------------------------------------------------------------- unstructured masks

    /**
     * Masks the weights with density 1 − s in every selected tensor.
     *
     * @param sparsity s in [0, 1)
     * @return this builder
     */
    public B uniform(double sparsity) {
        return distribution(SparsityDistribution.uniform(sparsity));
    }

    /**
     * Masks the weights with Erdős–Rényi densities for overall sparsity s.
     *
     * @param sparsity s in [0, 1)
     * @return this builder
     */
    public B erdosRenyi(double sparsity) {
        return distribution(SparsityDistribution.erdosRenyi(sparsity));
    }

    /**
     * Masks the weights with Erdős–Rényi-Kernel densities for overall sparsity s (SViTE's choice).
     *
     * @param sparsity s in [0, 1)
     * @return this builder
     */
    public B erdosRenyiKernel(double sparsity) {
        return distribution(SparsityDistribution.erdosRenyiKernel(sparsity));
    }

    /**
     * Masks the weights with any sparsity distribution.
     *
     * @param distribution the distribution
     * @return this builder
     */
    public B distribution(SparsityDistribution distribution) {
        this.distribution = required(distribution, "distribution");
        return self();
    }

    /**
     * How weights are scored for pruning, by SViTE's updates and by a pruning schedule (default:
     * magnitude |W|).
     *
     * @param criterion the criterion
     * @return this builder
     */
    public B prune(PruneCriterion criterion) {
        this.prune = required(criterion, "prune criterion");
        return self();
    }

    /**
     * How inactive weights are scored for growing (default: gradient magnitude, as RigL).
     *
     * @param criterion the criterion
     * @return this builder
     */
    public B grow(GrowCriterion criterion) {
        this.grow = required(criterion, "grow criterion");
        return self();
    }

    /**
     * Which parameters get masks (default: every trainable 2-D and 4-D weight).
     *
     * @param selector the selector
     * @return this builder
     */
    public B select(ParameterSelector selector) {
        this.selector = required(selector, "parameter selector");
        return self();
    }

    // ---------------------------------------------------------------- unit budgets

    /**
     * The model's declaration of its structured units (heads, neurons).
     *
     * @param units e.g. {@code DeiTUnits.declaration()}
     * @return this builder
     */
    public B units(StructuredUnits units) {
        this.units = required(units, "the unit declaration");
        return self();
    }

    /**
     * Keeps a fraction of every group of a family active.
     *
     * @param family the family
     * @param fraction the fraction kept, in (0, 1]
     * @return this builder
     */
    public B keep(UnitFamily family, double fraction) {
        required(family, "unit family");
        fractions.put(family, UnitCounts.checkFraction(family.name(), fraction));
        unitOptions.add("keep(...)");
        return self();
    }

    /**
     * One structured sparsity in every unit group: each keeps 1 − s of its units.
     *
     * @param sparsity s in [0, 1)
     * @return this builder
     */
    public B unitSparsity(double sparsity) {
        return unitBudget(UnitBudget.uniform(sparsity));
    }

    /**
     * Any unit budget (e.g. {@link UnitBudget#erdosRenyi}).
     *
     * @param budget the budget
     * @return this builder
     */
    public B unitBudget(UnitBudget budget) {
        this.unitBudget = required(budget, "unit budget");
        unitOptions.add("unitBudget(...)");
        return self();
    }

    /**
     * How active units of a family are scored for pruning (default: the family's own).
     *
     * @param family the family
     * @param criterion the criterion
     * @return this builder
     */
    public B prune(UnitFamily family, UnitCriterion criterion) {
        unitPrune.put(required(family, "unit family").name(), required(criterion, "unit criterion"));
        unitOptions.add("prune(family, criterion)");
        return self();
    }

    /**
     * How inactive units of a family are scored for growing (default: the Taylor score).
     *
     * @param family the family
     * @param criterion the criterion
     * @return this builder
     */
    public B grow(UnitFamily family, UnitCriterion criterion) {
        unitGrow.put(required(family, "unit family").name(), required(criterion, "unit criterion"));
        unitOptions.add("grow(family, criterion)");
        return self();
    }

    /**
     * Batches whose Taylor scores are averaged before each unit update (default {@value
     * #DEFAULT_SCORE_WINDOW}; 1 uses the update step's batch alone).
     *
     * @param batches the window, ≥ 1
     * @return this builder
     */
    public B scoreWindow(int batches) {
        if (batches < 1) {
            throw new IllegalArgumentException("score window must be >= 1 batch, got " + batches);
        }
        this.scoreWindow = batches;
        unitOptions.add("scoreWindow(...)");
        return self();
    }

    /**
     * Whether a unit pruned in an update may be grown back in the same update (default true; false
     * forces min(r, inactive) swaps every update).
     *
     * @param regrow false to grow only among units inactive before the update
     * @return this builder
     */
    public B regrowPruned(boolean regrow) {
        this.regrowPruned = regrow;
        unitOptions.add("regrowPruned(...)");
        return self();
    }

    /**
     * Trains every unit at full width with the closed ones multiplied by a gate of 0, as the
     * authors' code does, instead of computing only the active units (the default when the model's
     * declaration can: {@link io.svite.core.structured.StructuredUnits#execution}). Both give the
     * same masks and the same weights up to the order of floating-point sums; this is the
     * reference to check against, and it costs a dense step.
     *
     * @return this builder
     */
    public B gatedUnits() {
        this.gatedUnits = true;
        unitOptions.add("gatedUnits()");
        return self();
    }

    /**
     * The seed of the initial active units (default: the recipe's {@link #seed}).
     *
     * @param seed any value
     * @return this builder
     */
    public B unitSeed(long seed) {
        this.unitSeed = seed;
        unitOptions.add("unitSeed(...)");
        return self();
    }

    // ---------------------------------------------------------------- pruning schedule

    /**
     * Prunes on a schedule (OMP: {@code PruningSchedule.oneShot(s)}; GMP: {@code
     * PruningSchedule.cubic()...}); pruned entries never come back.
     *
     * @param schedule the schedule
     * @return this builder
     */
    public B pruning(PruningSchedule schedule) {
        this.pruning = required(schedule, "pruning schedule");
        return self();
    }

    /**
     * Ranks globally (the default) or per layer at a pruning event.
     *
     * @param scope the scope
     * @return this builder
     */
    public B pruningScope(PruningScope scope) {
        this.pruningScope = required(scope, "pruning scope");
        pruningOptions.add("pruningScope(...)");
        return self();
    }

    /**
     * Sums a gradient criterion over at most the last {@code steps} batches before each pruning
     * event (default 0: every batch since the previous event).
     *
     * @param steps the window ≥ 0
     * @return this builder
     */
    public B pruningScoreWindow(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("score window must be >= 0 steps (0 = since the previous event), got " + steps);
        }
        this.pruningScoreWindow = steps;
        pruningOptions.add("pruningScoreWindow(...)");
        return self();
    }

    /**
     * Starts the pruning schedule from these masks instead of dense (with {@link
     * PruningSchedule#none()} they stay fixed).
     *
     * @param masks masks for exactly the selected tensors, e.g. from {@link SparseRun#masks()}
     * @return this builder
     */
    public B startFrom(MaskSet masks) {
        this.startFrom = required(masks, "masks to start from");
        pruningOptions.add("startFrom(...)");
        return self();
    }

    /**
     * Builds the recipe: every builder's {@code build()} ends here.
     *
     * @return the immutable recipe
     * @throws IllegalStateException if nothing is made sparse, a part is incomplete, or parts clash
     */
    protected final SparseTrainer buildTrainer() {
        RecipeCheck.check(this);
        return new SparseTrainer(this);
    }
}
