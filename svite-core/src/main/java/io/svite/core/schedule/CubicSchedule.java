package io.svite.core.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Zhu &amp; Gupta's gradual pruning schedule ("To prune, or not to prune", 2017), built by {@link
 * PruningSchedule#cubic()}.
 *
 * <p>With Δt = (end − start)/n, event k = 1 … n happens at step t_k = start + round(k·Δt) with
 * target
 *
 * <pre>
 *   s_k = s_f + (s_i − s_f) · (1 − k/n)³        (k/n = (t − t₀)/(n·Δt))
 * </pre>
 *
 * so pruning is fast at first and slows down as the network has fewer redundant weights, and the
 * last event (at {@code end}) reaches s_f. With an initial sparsity s_i &gt; 0 there is an extra event
 * k = 0 at {@code start}. Steps are at least 1 (the schedule runs during training); events that
 * round to the same step are merged into the later, sparser one, so a run shorter than n steps
 * still ends at s_f.
 *
 * @param finalSparsity s_f in [0, 1)
 * @param initialSparsity s_i in [0, s_f]
 * @param start t₀, the step the schedule starts from
 * @param end the step of the last event, greater than {@code start}
 * @param count n, the number of events (without the k = 0 one)
 */
record CubicSchedule(double finalSparsity, double initialSparsity, long start, long end, int count)
        implements PruningSchedule {

    /** Validates the values. */
    CubicSchedule {
        if (!(finalSparsity >= 0 && finalSparsity < 1)) {
            throw new IllegalArgumentException("final sparsity must be in [0, 1), got " + finalSparsity);
        }
        if (!(initialSparsity >= 0 && initialSparsity <= finalSparsity)) {
            throw new IllegalArgumentException(
                    "initial sparsity must be in [0, final sparsity " + finalSparsity + "], got " + initialSparsity);
        }
        if (start < 0) {
            throw new IllegalArgumentException("start step must be >= 0, got " + start);
        }
        if (end <= start) {
            throw new IllegalArgumentException("end step " + end + " must be after the start step " + start);
        }
        if (count < 1) {
            throw new IllegalArgumentException("number of pruning events must be >= 1, got " + count);
        }
    }

    /**
     * The target of event k, before rounding to a step.
     *
     * @param k the event, 0 … n
     * @return s_f + (s_i − s_f)(1 − k/n)³, exactly s_i at k = 0 and s_f at k = n
     */
    double sparsityOfEvent(int k) {
        if (k == 0) {
            return initialSparsity;
        }
        if (k == count) {
            return finalSparsity;
        }
        double left = 1 - (double) k / count;
        return finalSparsity + (initialSparsity - finalSparsity) * left * left * left;
    }

    /**
     * The step of event k.
     *
     * @param k the event, 0 … n
     * @return max(1, start + round(k · (end − start) / n))
     */
    long stepOfEvent(int k) {
        return Math.max(1, start + Math.round((double) k * (end - start) / count));
    }

    @Override
    public List<PruningEvent> events() {
        List<PruningEvent> out = new ArrayList<>();
        for (int k = initialSparsity > 0 ? 0 : 1; k <= count; k++) {
            PruningEvent e = new PruningEvent(stepOfEvent(k), sparsityOfEvent(k));
            if (!out.isEmpty() && out.get(out.size() - 1).step() == e.step()) {
                out.set(out.size() - 1, e);
            } else {
                out.add(e);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT, "cubic %s→%s over steps (%d, %d], %d events", initialSparsity, finalSparsity, start, end,
                count);
    }
}
