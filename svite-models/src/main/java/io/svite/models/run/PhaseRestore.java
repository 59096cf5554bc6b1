package io.svite.models.run;

import io.svite.core.checkpoint.CheckpointException;
import io.svite.core.checkpoint.StoredCheckpoint;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;
import io.svite.models.methods.TrainingPhase;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

/**
 * One phase's view of the checkpoint it restores from: checks that the method runs the same phase
 * with the same architecture again; the phase's checkpoint listener then restores its states,
 * weights and optimizer state.
 */
final class PhaseRestore {

    private final StoredCheckpoint checkpoint;
    private final RunManifest manifest;

    PhaseRestore(StoredCheckpoint checkpoint, RunManifest manifest) {
        this.checkpoint = checkpoint;
        this.manifest = manifest;
    }

    RunManifest manifest() {
        return manifest;
    }

    String name() {
        return checkpoint.name();
    }

    /**
     * Checks that the method runs the same phase again.
     *
     * @param phase the phase the method runs now
     * @param batchesPerEpoch the run's steps per epoch
     * @throws IllegalStateException if it differs
     */
    void checkPhase(TrainingPhase phase, long batchesPerEpoch) {
        if (!manifest.phase().equals(phase.name()) || manifest.phaseEpochs() != phase.epochs()
                || manifest.batchesPerEpoch() != batchesPerEpoch) {
            throw new IllegalStateException(
                    "checkpoint " + name() + " was written in phase " + manifest.phaseIndex() + " '" + manifest.phase()
                            + "' (" + manifest.phaseEpochs() + " epochs of " + manifest.batchesPerEpoch()
                            + " steps), but the run now has phase '" + phase.name() + "' (" + phase.epochs()
                            + " epochs of " + batchesPerEpoch + " steps) there");
        }
    }

    /**
     * The checkpoint the phase restores from.
     *
     * @return the verified checkpoint
     */
    StoredCheckpoint checkpoint() {
        return checkpoint;
    }

    /**
     * Checks that the checkpoint holds a model of the architecture the phase trains.
     *
     * @param architecture the phase's model
     * @throws CheckpointException naming what differs
     */
    void checkArchitecture(DeiTConfig architecture) throws CheckpointException {
        JsonElement here = JsonParser.parseString(DeiTFiles.toJson(architecture));
        if (!here.equals(manifest.modelArchitecture())) {
            throw new CheckpointException(
                    "checkpoint " + name() + " holds a model of another architecture ("
                            + JsonDiff.differences(manifest.modelArchitecture(), here) + ")");
        }
    }
}
