package io.svite.models.run;

import com.google.gson.JsonParser;

import io.svite.core.checkpoint.NonFiniteValuesException;
import io.svite.core.training.DeviceAccumulator;
import io.svite.models.deit.DeiT;
import io.svite.models.io.DeiTFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Writes the checkpoint of a phase in progress: the loop's position and bookkeeping as a {@link
 * RunManifest}, the model, the shared optimizer and the phase's states through {@link
 * RunCheckpoints}; non-finite weights stop the run as diverged, a failed write as one clear error.
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

    /** Whether the run keeps checkpoints at all. */
    boolean enabled() {
        return checkpoints != null;
    }

    /**
     * Whether a checkpoint is due after a step besides the ends of epochs.
     *
     * @param globalStep steps done across phases
     * @return true if due
     */
    boolean dueAfter(long globalStep) {
        return checkpoints != null && checkpoints.dueAfter(globalStep);
    }

    /**
     * Writes a checkpoint of the phase.
     *
     * @param run the phase
     * @param acc the current epoch's training accumulator
     * @param epochsDone epochs of the phase finished
     * @param batchesDone batches of the next epoch already trained
     * @param samplerEpoch the data order's epoch to draw next
     * @param samplerSkip batches of that epoch to skip
     */
    void save(PhaseState run, DeviceAccumulator acc, int epochsDone, long batchesDone, int samplerEpoch, long samplerSkip) {
        if (run.optimizer.step() != run.step && !run.warnedOptimizer) {
            run.warnedOptimizer = true;
            LOG.warn("phase '{}' does not train with the shared optimizer (it took {} of {} steps); checkpoints carry"
                    + " only the optimizers that are Checkpointable, so resuming it is not exact", run.phase.name(),
                    run.optimizer.step(), run.step);
        }
        long globalStep = ledger.globalStep();
        RunManifest manifest =
                new RunManifest(
                        run.index,
                        run.phase.name(),
                        run.phase.epochs(),
                        run.step,
                        epochsDone,
                        batchesDone,
                        samplerEpoch,
                        samplerSkip,
                        batchesPerEpoch,
                        globalStep,
                        seed,
                        RunManifest.RNG_SCHEME,
                        checkpoints.runArchitecture(),
                        JsonParser.parseString(DeiTFiles.toJson(((DeiT) run.model.getBlock()).config())),
                        checkpoints.recipe(),
                        acc.snapshot(),
                        ledger.phaseEpochs(),
                        RunCheckpoints.names(run.states));
        try {
            Path written = checkpoints.save(manifest, run.model.getBlock(), run.optimizer, run.states);
            LOG.debug("checkpoint {} written", written);
        } catch (NonFiniteValuesException e) {
            throw guard.diverged(
                    "training diverged: " + e.tensor() + " held NaN or infinite values after step " + globalStep
                            + " though every training loss so far was finite",
                    globalStep);
        } catch (IOException e) {
            Path last = checkpoints.latest();
            throw new UncheckedIOException(
                    "cannot write the checkpoint after step " + globalStep + " into " + checkpoints.dir() + ": "
                            + e.getMessage() + (last == null ? "" : "; the last complete checkpoint is " + last)
                            + "; make room and resume with 'svite train --resume " + checkpoints.runDir() + "'",
                    e);
        }
    }
}
