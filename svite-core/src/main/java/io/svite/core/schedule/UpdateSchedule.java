package io.svite.core.schedule;

/**
 * When the masks are rewritten and what fraction of each layer's active weights is replaced.
 *
 * <p>Steps count optimizer updates from 1. An update happens at every step t with start &lt; t &lt;
 * end and (t − start) mod interval = 0; it prunes, per layer, ⌈α_t · active⌉ weights and grows as
 * many, with α_t from the {@link Decay}. The end step defaults to 80 % of the run's total steps
 * when the total is known, as in the paper; the initial fraction α defaults to 0.5 and the decay
 * to the paper's cosine.
 */
public interface UpdateSchedule {

    /**
     * Steps between two updates.
     *
     * @return T ≥ 1
     */
    long interval();

    /**
     * The step after which updates begin (0 = from the start of training).
     *
     * @return the start step
     */
    long start();

    /**
     * The first step at which no more updates happen.
     *
     * @return the end step, greater than {@link #start()}
     */
    long end();

    /**
     * The length of the whole run, used by decays that span it; the end step when not given.
     *
     * @return the total number of steps
     */
    long total();

    /**
     * The prune fraction α at the start.
     *
     * @return α in (0, 1]
     */
    double initialFraction();

    /**
     * How α falls.
     *
     * @return the decay
     */
    Decay decay();

    /**
     * Whether step t (counted from 1) rewrites the masks.
     *
     * @param step the step t
     * @return true on an update step
     */
    default boolean isUpdateStep(long step) {
        return step > start() && step < end() && (step - start()) % interval() == 0;
    }

    /**
     * The fraction α_t of active weights pruned (and grown) per layer at step t.
     *
     * @param step the step t
     * @return α_t in [0, 1]
     */
    default double pruneFraction(long step) {
        return decay().fraction(initialFraction(), step, start(), end(), total());
    }

    /**
     * Updates every {@code interval} steps after {@code start} for as long as training runs, with
     * a constant fraction α: the schedule of a run whose length is unknown (no end, nothing to
     * anneal towards).
     *
     * @param interval T ≥ 1
     * @param start the start step ≥ 0
     * @param alpha α in (0, 1]
     * @return the open-ended schedule
     * @throws IllegalArgumentException for a value out of range
     */
    static UpdateSchedule open(long interval, long start, double alpha) {
        builder().every(interval).from(start).pruneFraction(alpha); // validates the values
        return new OpenSchedule(interval, start, alpha);
    }

    /**
     * A builder; {@link Builder#every(long)} and an end (directly or from the total) are required.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link UpdateSchedule}; setters validate, {@link #build()} checks completeness. */
    final class Builder {
        private long interval;
        private long start;
        private long end;
        private long total;
        private double alpha = 0.5;
        private Decay decay = Decay.cosine();

        Builder() {}

        /**
         * Rewrites the masks every {@code interval} steps.
         *
         * @param interval T ≥ 1
         * @return this builder
         * @throws IllegalArgumentException if T &lt; 1
         */
        public Builder every(long interval) {
            if (interval < 1) {
                throw new IllegalArgumentException("update interval must be >= 1 step, got " + interval);
            }
            this.interval = interval;
            return this;
        }

        /**
         * Begins counting intervals after this step (default 0).
         *
         * @param start the start step ≥ 0
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder from(long start) {
            if (start < 0) {
                throw new IllegalArgumentException("start step must be >= 0, got " + start);
            }
            this.start = start;
            return this;
        }

        /**
         * Stops updating at this step (exclusive).
         *
         * @param end the end step ≥ 1
         * @return this builder
         * @throws IllegalArgumentException if &lt; 1
         */
        public Builder until(long end) {
            if (end < 1) {
                throw new IllegalArgumentException("end step must be >= 1, got " + end);
            }
            this.end = end;
            return this;
        }

        /**
         * The total number of steps of the run; sets the default end step to 80 % of it.
         *
         * @param total the total ≥ 1
         * @return this builder
         * @throws IllegalArgumentException if &lt; 1
         */
        public Builder totalSteps(long total) {
            if (total < 1) {
                throw new IllegalArgumentException("total steps must be >= 1, got " + total);
            }
            this.total = total;
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
            if (!(alpha > 0 && alpha <= 1)) {
                throw new IllegalArgumentException("prune fraction must be in (0, 1], got " + alpha);
            }
            this.alpha = alpha;
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
            if (decay == null) {
                throw new IllegalArgumentException("decay must not be null");
            }
            this.decay = decay;
            return this;
        }

        /**
         * Builds the schedule.
         *
         * @return the schedule
         * @throws IllegalStateException if the interval or the end is missing
         * @throws IllegalArgumentException if the end is not after the start, or after the total
         */
        public UpdateSchedule build() {
            if (interval == 0) {
                throw new IllegalStateException("update interval not set: call every(steps)");
            }
            long e = end;
            if (e == 0) {
                if (total == 0) {
                    throw new IllegalStateException(
                            "end step unknown: call until(step) or totalSteps(n) (the end then defaults to 80 % of n)");
                }
                e = Math.max(1, (long) Math.floor(0.8 * total));
            }
            if (e <= start) {
                throw new IllegalArgumentException("end step " + e + " must be after the start step " + start);
            }
            if (total != 0 && e > total) {
                throw new IllegalArgumentException("end step " + e + " is after the last step " + total + " of the run");
            }
            return new IntervalSchedule(interval, start, e, total == 0 ? e : total, alpha, decay);
        }
    }
}
