package io.svite.models.run;

import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.training.DeviceAccumulator;
import io.svite.core.training.TrainingDivergedException;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Stops a run whose training loss became NaN or infinite: reads the accumulator's device-side
 * divergence flag and names the first bad step and the last good checkpoint.
 */
final class DivergenceGuard {

    /** Steps between two read-backs of the divergence flag (it is also read at checkpoints and epoch ends). */
    static final long CHECK_EVERY = 50;

    private final RunCheckpoints checkpoints;
    private final long batchesPerEpoch;

    DivergenceGuard(RunCheckpoints checkpoints, long batchesPerEpoch) {
        this.checkpoints = checkpoints;
        this.batchesPerEpoch = batchesPerEpoch;
    }

    /**
     * Reads the device-side divergence flag and stops the run if a loss since the epoch began was
     * NaN or infinite.
     *
     * @param acc the epoch's training accumulator
     * @param run the phase
     * @param epoch the epoch of the phase, from 1
     * @param globalStep steps done across phases
     * @throws TrainingDivergedException naming the first bad step
     */
    void checkFinite(DeviceAccumulator acc, PhaseState run, int epoch, long globalStep) {
        long finite = acc.finiteBatches();
        if (finite >= acc.batches()) {
            return;
        }
        long badStep = run.start + (epoch - 1) * batchesPerEpoch + finite + 1;
        throw diverged(
                String.format(
                        Locale.ROOT,
                        "training diverged: the training loss became NaN or infinite at step %d (phase '%s', epoch %d,"
                                + " batch %d); the run stopped at step %d",
                        badStep,
                        run.phase.name(),
                        epoch,
                        finite + 1,
                        globalStep),
                badStep);
    }

    /**
     * The exception for a diverged run, naming where the last good checkpoint is.
     *
     * @param what what went wrong and where
     * @param badStep the first step known to be bad
     * @return the exception
     */
    TrainingDivergedException diverged(String what, long badStep) {
        Path last = checkpoints == null ? null : checkpoints.latest();
        String where;
        if (checkpoints == null) {
            where = "no checkpoint was kept (train with --out DIR to keep checkpoints)";
        } else if (last == null) {
            where = "no checkpoint had been written yet";
        } else {
            where = "the last good checkpoint is kept: " + last + " (step " + CheckpointStore.stepOf(last) + ")";
        }
        return new TrainingDivergedException(what + "; " + where + ". A lower learning rate or more warm-up usually helps.",
                badStep, last);
    }
}
