package io.svite.core;

import io.svite.core.schedule.Decay;
import io.svite.core.schedule.UpdateSchedule;

/**
 * The update schedule as a recipe gives it, resolved once the run's length is known: an explicit
 * {@link UpdateSchedule}, or parts with defaults — every {@value #DEFAULT_INTERVAL}
 * steps, α 0.5 with the paper's cosine decay, updates ending at 80 % of the run. Without a length
 * (no end, no total) the schedule is open-ended: α constant, no end.
 *
 * @param given an explicit schedule, or null
 * @param interval T, or null for the default
 * @param start the step intervals count from
 * @param end the step from which no updates happen, or null for 80 % of the run
 * @param total the run's steps as the recipe gives them, or null
 * @param alpha α, or null for 0.5
 * @param decay the decay, or null for the cosine
 */
record ScheduleSpec(UpdateSchedule given, Long interval, long start, Long end, Long total, Double alpha, Decay decay) {

    /** The default update interval in steps (RigL's). */
    static final long DEFAULT_INTERVAL = 100;

    /**
     * The schedule of a run.
     *
     * @param runSteps the run's total steps, or null if unknown
     * @return the schedule
     * @throws IllegalArgumentException if the end is not after the start or after the run's last step
     */
    UpdateSchedule resolve(Long runSteps) {
        if (given != null) {
            return given;
        }
        long every = interval != null ? interval : DEFAULT_INTERVAL;
        double a = alpha != null ? alpha : 0.5;
        Long length = runSteps != null ? runSteps : total;
        if (end == null && length == null) {
            return UpdateSchedule.open(every, start, a);
        }
        UpdateSchedule.Builder b = UpdateSchedule.builder().every(every).from(start).pruneFraction(a);
        if (decay != null) {
            b.decay(decay);
        }
        if (end != null) {
            b.until(end);
        }
        if (length != null) {
            b.totalSteps(length);
        }
        return b.build();
    }

    /**
     * Whether the schedule is open-ended when no run length is given.
     *
     * @return true without an explicit schedule, an end or a total
     */
    boolean needsLength() {
        return given == null && end == null && total == null;
    }
}
