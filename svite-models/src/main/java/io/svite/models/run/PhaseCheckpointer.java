package io.svite.models.run;

import io.svite.core.checkpoint.NonFiniteValuesException;
import io.svite.core.data.SeededSampler;
import io.svite.core.resume.CheckpointListener;
import io.svite.core.resume.CheckpointListenerBuilder;
import io.svite.core.resume.CheckpointWriteException;
import io.svite.core.training.DeviceAccumulator;
import io.svite.models.deit.DeiT;
import io.svite.models.io.DeiTFiles;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Gives each phase its checkpoint listener (the core's {@link CheckpointListener}: per-step seeds,
 * writes, exact restore) with what the run adds to it: the loop's manifest fields (phase, history,
 * accumulators, architectures, recipe), a divergence check before every write, and one clear error
 * for a write that fails — a run that diverged when a weight is NaN, otherwise the step, the last
 * complete checkpoint and how to resume.
 */
final class PhaseCheckpointer {

    private static final Logger LOG = LoggerFactory.getLogger(PhaseCheckpointer.class);

    private final RunCheckpoints checkpoints;
    private final RunLedger ledger;
    private final DivergenceGuard guard;
    private final long batchesPerEpoch;
    private final long seed;

    PhaseCheckpointer(RunCheckpoints checkpoints, RunLedger ledger, DivergenceGuard guard, long batchesPerEpoch, long seed) {
        this.checkpoints = checkpoints;
        this.ledger = ledger;
        this.guard = guard;
        this.batchesPerEpoch = batchesPerEpoch;
        this.seed = seed;
    }

    /**
     * The listener of a phase: seeds every step; with a run folder it also writes checkpoints and
     * restores the phase from {@code restore}.
     *
     * @param run the phase
     * @param acc the phase's training accumulator (its sums are part of every checkpoint)
     * @param sampler the training data's sampler
     * @param restore the checkpoint the phase continues from, or null
     * @return the listener, to configure with the phase's model and configuration
     */
    CheckpointListener listener(PhaseState run, DeviceAccumulator acc, SeededSampler sampler, PhaseRestore restore) {
        CheckpointListenerBuilder b = checkpoints == null ? CheckpointListener.builder() : checkpoints.listener(run.index);
        b.seed(seed).phase(run.index, run.start).sampler(sampler);
        if (checkpoints != null) {
            b.manifest(() -> loopFields(run, acc))
                    .beforeWrite(() -> beforeWrite(run, acc))
                    .resumeFrom(restore == null ? null : restore.checkpoint());
        }
        return b.build();
    }

    private void beforeWrite(PhaseState run, DeviceAccumulator acc) {
        if (run.optimizer.step() != run.step && !run.warnedOptimizer) {
            run.warnedOptimizer = true;
            LOG.warn("phase '{}' does not train with the shared optimizer (it took {} of {} steps); checkpoints carry"
                    + " the first StatefulOptimizer of the phase's configuration and the Checkpointable ones, so"
                    + " resuming it may not be exact", run.phase.name(), run.optimizer.step(), run.step);
        }
        guard.checkFinite(acc, run, run.epoch, ledger.globalStep());
    }

    private JsonObject loopFields(PhaseState run, DeviceAccumulator acc) {
        return RunManifest.loopFields(
                run.phase.name(),
                run.phase.epochs(),
                batchesPerEpoch,
                checkpoints.runArchitecture(),
                JsonParser.parseString(DeiTFiles.toJson(((DeiT) run.model.getBlock()).config())),
                checkpoints.recipe(),
                acc.snapshot(),
                ledger.phaseEpochs(),
                ledger.tokensJson());
    }

    /**
     * The run's error for a checkpoint that could not be written.
     *
     * @param e the listener's failure
     * @return a diverged run for a NaN or infinite weight or moment, else the write's failure with
     *     the last complete checkpoint and how to resume
     */
    RuntimeException translate(CheckpointWriteException e) {
        long globalStep = e.position().globalStep();
        if (e.getCause() instanceof NonFiniteValuesException) {
            return guard.diverged(
                    "training diverged: " + ((NonFiniteValuesException) e.getCause()).tensor() + " held NaN or infinite"
                            + " values after step " + globalStep + " though every training loss so far was finite",
                    globalStep);
        }
        IOException cause = (IOException) e.getCause();
        return new UncheckedIOException(
                "cannot write the checkpoint after step " + globalStep + " into " + checkpoints.dir() + ": "
                        + cause.getMessage() + (e.lastComplete() == null ? "" : "; the last complete checkpoint is "
                        + e.lastComplete()) + "; make room and resume with 'svite train --resume " + checkpoints.runDir() + "'",
                cause);
    }
}
