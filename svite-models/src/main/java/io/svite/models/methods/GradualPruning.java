package io.svite.models.methods;

import io.svite.core.schedule.PruningSchedule;

import java.util.Locale;

/**
 * When gradual pruning (GMP, gradual Taylor pruning) happens within a run, in fractions of its
 * steps, as in the SViTE paper's GMP baseline: Zhu &amp; Gupta's cubic schedule from 1/6 to 1/2 of
 * training with 20 pruning events.
 *
 * @param start the fraction of the steps from which the schedule runs (t₀), in [0, end)
 * @param end the fraction of the steps at which the last event reaches the target, in (start, 1]
 * @param events n, the number of pruning events
 * @param initialSparsity s_i, the sparsity the schedule starts from (0: the first event prunes
 *     the dense model)
 */
public record GradualPruning(double start, double end, int events, double initialSparsity) {

    /** Validates every value and names the bad one. */
    public GradualPruning {
        if (!(start >= 0 && start < 1)) {
            throw new IllegalArgumentException("pruning start must be a fraction of the run in [0, 1), got " + start);
        }
        if (!(end > start && end <= 1)) {
            throw new IllegalArgumentException(
                    "pruning end must be a fraction of the run in (start " + start + ", 1], got " + end);
        }
        if (events < 1) {
            throw new IllegalArgumentException("pruning events must be >= 1, got " + events);
        }
        if (!(initialSparsity >= 0 && initialSparsity < 1)) {
            throw new IllegalArgumentException("initial sparsity must be in [0, 1), got " + initialSparsity);
        }
    }

    /**
     * The paper's defaults: from 1/6 to 1/2 of training, 20 events, from dense.
     *
     * @return the defaults
     */
    public static GradualPruning defaults() {
        return new GradualPruning(1.0 / 6, 0.5, 20, 0);
    }

    /**
     * The cubic schedule for a run of {@code totalSteps} steps: t₀ = round(start · T), last event at
     * max(t₀ + 1, round(end · T)).
     *
     * @param totalSteps T, the run's optimizer steps
     * @param sparsity the final sparsity s_f
     * @return the schedule
     * @throws IllegalArgumentException if the initial sparsity exceeds the final one, or the run is
     *     too short to hold the schedule
     */
    public PruningSchedule schedule(long totalSteps, double sparsity) {
        long t0 = Math.round(start * totalSteps);
        long last = Math.max(t0 + 1, Math.round(end * totalSteps));
        if (last > totalSteps) {
            throw new IllegalArgumentException(
                    "gradual pruning from " + start + " of " + totalSteps + " steps ends at step " + last
                            + ", after the last step; start earlier");
        }
        return PruningSchedule.cubic()
                .sparsity(sparsity)
                .initialSparsity(initialSparsity)
                .from(t0)
                .until(last)
                .events(events)
                .build();
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT, "cubic from %.3f to %.3f of the steps, %d events%s", start, end, events,
                initialSparsity > 0 ? ", from sparsity " + initialSparsity : "");
    }
}
