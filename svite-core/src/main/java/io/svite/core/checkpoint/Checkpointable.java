package io.svite.core.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Training state that a run checkpoint carries besides the weights and the optimizer: masks, gates'
 * schedules, a selector's bookkeeping — whatever a training method keeps that is not a parameter.
 *
 * <p>Checkpoints find these objects themselves ({@code io.svite.core.resume.TrainingState}): the
 * {@code TrainingConfig} a run trains with, its optimizers and each of its {@code TrainingListener}s
 * are checkpointed when they implement this interface.
 *
 * <p>Lifecycle, all on the training thread:
 *
 * <ol>
 *   <li>{@link #writeCheckpoint} between two steps (after {@code trainer.step()}, never between
 *       forward and backward), into an empty folder of its own inside a checkpoint that is still
 *       being written. Write plain files; the caller records their sizes and SHA-256, syncs them to
 *       disk and renames the whole checkpoint into place only once everything is written, so a
 *       crash never leaves a half-written state visible. Do not write outside {@code dir}.
 *   <li>{@link #readCheckpoint} when a run resumes, on a fresh instance made by the same recipe,
 *       <b>before</b> the trainer is created (so before {@code onTrainingBegin}) and before the
 *       checkpoint's weights are loaded into the model. The files have been verified against their
 *       recorded hashes. Stage what you read and apply it when training begins (the weights exist
 *       then); check it against the model there and refuse a mismatch with an {@link
 *       IllegalArgumentException} naming the file and what differs.
 * </ol>
 *
 * <p>An implementation must make the resumed run continue exactly: after {@code readCheckpoint}
 * and training begins, every step must compute what the uninterrupted run computed at that step.
 */
public interface Checkpointable {

    /**
     * The name of this state's folder inside a checkpoint, unique within a training phase.
     *
     * @return a short name of letters, digits, {@code -} and {@code _}, e.g. {@code svite}
     */
    String checkpointName();

    /**
     * Writes the state into {@code dir}.
     *
     * @param dir an existing, empty folder reserved for this state
     * @throws IOException if a file cannot be written (the checkpoint is then abandoned)
     */
    void writeCheckpoint(Path dir) throws IOException;

    /**
     * Reads the state written by {@link #writeCheckpoint}, before training begins.
     *
     * @param dir the folder it was written to
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if the files do not belong to this recipe or model
     */
    void readCheckpoint(Path dir) throws IOException;
}
