package io.svite.core.schedule;

import java.util.List;

/**
 * When a pruning schedule ({@code SparseTrainer.Builder.pruning}) prunes and to which sparsity: a list of {@link PruningEvent}s with
 * increasing steps and non-decreasing sparsities, so masks only ever grow sparser.
 *
 * <ul>
 *   <li>{@link #oneShot(double)}: one event at step 0, on the weights of an already trained model
 *       (OMP: prune, then fine-tune with the mask fixed);
 *   <li>{@link #at(long, double)}: one event at a given step (e.g. the last step of a dense phase,
 *       when a gradient criterion needs the batches before it);
 *   <li>{@link #cubic()}: Zhu &amp; Gupta's gradual schedule, s_t = s_f + (s_i − s_f)(1 − (t −
 *       t₀)/(n·Δt))³ at n events spaced Δt apart from t₀ (GMP);
 *   <li>{@link #none()}: no event: the masks the run starts with stay fixed (fine-tuning a pruned
 *       model).
 * </ul>
 */
public interface PruningSchedule {

    /**
     * The events in step order.
     *
     * @return the events, steps strictly increasing, sparsities non-decreasing
     */
    List<PruningEvent> events();

    /**
     * The sparsity after the last event.
     *
     * @return the final sparsity, 0 without events
     */
    default double finalSparsity() {
        List<PruningEvent> e = events();
        return e.isEmpty() ? 0 : e.get(e.size() - 1).sparsity();
    }

    /**
     * The target sparsity in force once step t has been taken: that of the last event at or before
     * t, 0 before the first.
     *
     * @param step the step t
     * @return the target sparsity
     */
    default double sparsityAt(long step) {
        double s = 0;
        for (PruningEvent e : events()) {
            if (e.step() > step) {
                break;
            }
            s = e.sparsity();
        }
        return s;
    }

    /**
     * No pruning: the masks a run starts with ({@code SparseTrainer.Builder.startFrom}) stay fixed.
     *
     * @return the schedule
     */
    static PruningSchedule none() {
        return EventSchedule.NONE;
    }

    /**
     * One event at step 0: prune the model's current (trained) weights to {@code sparsity} before
     * the first forward pass, then keep the mask fixed.
     *
     * @param sparsity the target in [0, 1)
     * @return the schedule
     * @throws IllegalArgumentException if the sparsity is outside [0, 1)
     */
    static PruningSchedule oneShot(double sparsity) {
        return at(0, sparsity);
    }

    /**
     * One event at {@code step}, then the mask stays fixed.
     *
     * @param step the step (0 = before the first forward pass)
     * @param sparsity the target in [0, 1)
     * @return the schedule
     * @throws IllegalArgumentException if the step is negative or the sparsity outside [0, 1)
     */
    static PruningSchedule at(long step, double sparsity) {
        return of(List.of(new PruningEvent(step, sparsity)));
    }

    /**
     * Any list of events.
     *
     * @param events the events, steps strictly increasing, sparsities non-decreasing
     * @return the schedule
     * @throws IllegalArgumentException if the order is violated
     */
    static PruningSchedule of(List<PruningEvent> events) {
        return new EventSchedule(events);
    }

    /**
     * Zhu &amp; Gupta's cubic schedule ("To prune, or not to prune", 2017).
     *
     * @return a builder; the final sparsity and the end step are required
     */
    static CubicBuilder cubic() {
        return new CubicBuilder();
    }

    /** Builds the cubic schedule; setters validate, {@link #build()} checks completeness. */
    final class CubicBuilder {
        private Double finalSparsity;
        private double initialSparsity;
        private long start;
        private Long end;
        private int count = 20;

        CubicBuilder() {}

        /**
         * The final sparsity s_f (required).
         *
         * @param sparsity s_f in [0, 1)
         * @return this builder
         * @throws IllegalArgumentException if outside [0, 1)
         */
        public CubicBuilder sparsity(double sparsity) {
            if (!(sparsity >= 0 && sparsity < 1)) {
                throw new IllegalArgumentException("final sparsity must be in [0, 1), got " + sparsity);
            }
            this.finalSparsity = sparsity;
            return this;
        }

        /**
         * The initial sparsity s_i (default 0).
         *
         * @param sparsity s_i in [0, 1)
         * @return this builder
         * @throws IllegalArgumentException if outside [0, 1)
         */
        public CubicBuilder initialSparsity(double sparsity) {
            if (!(sparsity >= 0 && sparsity < 1)) {
                throw new IllegalArgumentException("initial sparsity must be in [0, 1), got " + sparsity);
            }
            this.initialSparsity = sparsity;
            return this;
        }

        /**
         * The step t₀ the schedule starts from (default 0).
         *
         * @param step t₀ ≥ 0
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public CubicBuilder from(long step) {
            if (step < 0) {
                throw new IllegalArgumentException("start step must be >= 0, got " + step);
            }
            this.start = step;
            return this;
        }

        /**
         * The step of the last event, t₀ + n·Δt (required).
         *
         * @param step the end step ≥ 1
         * @return this builder
         * @throws IllegalArgumentException if &lt; 1
         */
        public CubicBuilder until(long step) {
            if (step < 1) {
                throw new IllegalArgumentException("end step must be >= 1, got " + step);
            }
            this.end = step;
            return this;
        }

        /**
         * The number of pruning events n (default 20, as in the SViTE paper's GMP baseline).
         *
         * @param n n ≥ 1
         * @return this builder
         * @throws IllegalArgumentException if &lt; 1
         */
        public CubicBuilder events(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("number of pruning events must be >= 1, got " + n);
            }
            this.count = n;
            return this;
        }

        /**
         * Builds the schedule.
         *
         * @return the schedule
         * @throws IllegalStateException if the final sparsity or the end step is missing
         * @throws IllegalArgumentException if the end is not after the start or s_i &gt; s_f
         */
        public PruningSchedule build() {
            if (finalSparsity == null) {
                throw new IllegalStateException("final sparsity not set: call sparsity(s)");
            }
            if (end == null) {
                throw new IllegalStateException("end step not set: call until(step)");
            }
            return new CubicSchedule(finalSparsity, initialSparsity, start, end, count);
        }
    }
}

