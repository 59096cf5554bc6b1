package io.svite.core.training;

/**
 * When a run with a run folder writes checkpoints and how many it keeps.
 *
 * <p>A checkpoint is written after every {@code everySteps}-th optimizer step (counted across all
 * phases of the run) and at the end of every epoch, after the epoch's evaluation. The newest
 * {@code keep} are kept, plus the last checkpoint of every finished phase of a multi-phase method
 * (resuming a later phase needs the earlier phases' outcome).
 *
 * @param everySteps steps between checkpoints, or 0 for the ends of epochs only
 * @param keep how many of the newest checkpoints to keep, at least 1
 */
public record CheckpointPolicy(long everySteps, int keep) {

    /** How many checkpoints {@link #defaults()} keeps. */
    public static final int DEFAULT_KEEP = 3;

    /** Checks the values. */
    public CheckpointPolicy {
        if (everySteps < 0) {
            throw new IllegalArgumentException(
                    "checkpoint interval must be >= 1 step (or 0 for the ends of epochs only), got " + everySteps);
        }
        if (keep < 1) {
            throw new IllegalArgumentException("must keep at least 1 checkpoint, got " + keep);
        }
    }

    /**
     * A checkpoint at the end of every epoch; the newest three kept.
     *
     * @return the policy
     */
    public static CheckpointPolicy defaults() {
        return new CheckpointPolicy(0, DEFAULT_KEEP);
    }

    /**
     * Whether a checkpoint is due after a step (besides the ends of epochs).
     *
     * @param globalStep steps done so far across phases, from 1
     * @return true every {@code everySteps} steps
     */
    public boolean dueAfter(long globalStep) {
        return everySteps > 0 && globalStep % everySteps == 0;
    }
}
