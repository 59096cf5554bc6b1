package io.svite.core;

import io.svite.core.schedule.Decay;
import io.svite.core.schedule.UpdateSchedule;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The update schedule and seed setters of a sparse training recipe (see {@link RecipeBuilder}):
 * updates every {@value #DEFAULT_INTERVAL} steps by default, α 0.5 decaying by the
 * paper's cosine, ending at 80 % of the run once its length is known.
 *
 * @param <B> the concrete builder
 */
public abstract class ScheduleBuilder<B extends ScheduleBuilder<B>> {

    /** The default update interval in steps (RigL's). */
    static final long DEFAULT_INTERVAL = ScheduleSpec.DEFAULT_INTERVAL;

    UpdateSchedule schedule;
    Long interval;
    long start;
    Long end;
    Long total;
    Double alpha;
    Decay decay;
    final Set<String> scheduleParts = new LinkedHashSet<>();
    long seed;

    /** For subclasses. */
    ScheduleBuilder() {}

    /**
     * This builder, typed.
     *
     * @return this
     */
    protected abstract B self();

    /** The schedule as given so far, resolved once a run's length is known. */
    ScheduleSpec spec() {
        return new ScheduleSpec(schedule, interval, start, end, total, alpha, decay);
    }

    static <T> T required(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return value;
    }

    /**
     * Updates masks and units every T steps (default {@value #DEFAULT_INTERVAL}).
     *
     * @param interval T ≥ 1
     * @return this builder
     */
    public B updateEvery(long interval) {
        UpdateSchedule.builder().every(interval);
        this.interval = interval;
        scheduleParts.add("updateEvery");
        return self();
    }

    /**
     * Counts intervals from this step (default 0).
     *
     * @param step the start step ≥ 0
     * @return this builder
     */
    public B from(long step) {
        UpdateSchedule.builder().from(step);
        this.start = step;
        scheduleParts.add("from");
        return self();
    }

    /**
     * No updates from this step on (default: 80 % of the run, once its length is known).
     *
     * @param step the end step ≥ 1
     * @return this builder
     */
    public B until(long step) {
        UpdateSchedule.builder().until(step);
        this.end = step;
        scheduleParts.add("until");
        return self();
    }

    /**
     * The run's total number of steps: updates end at 80 % of it unless {@link #until} says otherwise.
     *
     * @param steps the total ≥ 1
     * @return this builder
     */
    public B totalSteps(long steps) {
        UpdateSchedule.builder().totalSteps(steps);
        this.total = steps;
        scheduleParts.add("totalSteps");
        return self();
    }

    /**
     * The initial fraction α of active weights or units replaced per update (default 0.5).
     *
     * @param alpha α in (0, 1]
     * @return this builder
     */
    public B pruneFraction(double alpha) {
        UpdateSchedule.builder().pruneFraction(alpha);
        this.alpha = alpha;
        scheduleParts.add("pruneFraction");
        return self();
    }

    /**
     * α decays as α/2 · (1 + cos(π t / T_end)), as in the paper (the default).
     *
     * @return this builder
     */
    public B cosineDecay() {
        return decay(Decay.cosine());
    }

    /**
     * α decays by a cosine towards {@code floor} over the whole run, as in the reference code.
     *
     * @param floor the floor in [0, 1)
     * @return this builder
     */
    public B cosineDecay(double floor) {
        return decay(Decay.cosineWithFloor(floor));
    }

    /**
     * α decays linearly to 0 at the end step.
     *
     * @return this builder
     */
    public B linearDecay() {
        return decay(Decay.linear());
    }

    /**
     * α stays constant.
     *
     * @return this builder
     */
    public B constantFraction() {
        return decay(Decay.constant());
    }

    /**
     * Any decay of α.
     *
     * @param decay the decay
     * @return this builder
     */
    public B decay(Decay decay) {
        this.decay = required(decay, "decay");
        scheduleParts.add("decay");
        return self();
    }

    /**
     * A complete update schedule, instead of {@link #updateEvery}, {@link #until} and the rest.
     *
     * @param schedule the schedule
     * @return this builder
     */
    public B schedule(UpdateSchedule schedule) {
        this.schedule = required(schedule, "schedule");
        return self();
    }

    /**
     * The seed of the initial masks and units (default 0): the same seed gives the same masks bit
     * for bit.
     *
     * @param seed any value
     * @return this builder
     */
    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

}
