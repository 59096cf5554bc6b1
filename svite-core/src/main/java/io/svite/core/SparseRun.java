package io.svite.core;

import io.svite.core.checkpoint.MaskCheckpoint;
import io.svite.core.report.SparsityReport;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The handle of one sparse training run, from {@link SparseTrainingConfig#run()}: its report, its
 * step counter, and saving or resuming its masks next to a model.
 *
 * <p>A checkpoint is written to {@code dir/name.masks} (the model's own files are {@code
 * dir/name-0000.params}); it holds every mask, the ever-active sets, the step and the number of
 * updates so far, so a run resumed from it continues the schedule where it stopped. Optimizer state
 * is not in it (a run checkpoint of the examples' training loop carries it next to this file).
 */
public final class SparseRun {

    final SparseState state;

    SparseRun(SparseState state) {
        this.state = state;
    }

    /**
     * The report now (reads counts from the device; not meant for every step).
     *
     * @return the sparsity report
     * @throws IllegalStateException before training has begun
     */
    public SparsityReport report() {
        return state.report();
    }

    /**
     * Optimizer steps done (including those before a resumed checkpoint).
     *
     * @return the step count
     */
    public long step() {
        return state.steps();
    }

    /**
     * Mask updates (prune-and-grow events) done (including those before a resumed checkpoint).
     *
     * @return the number of updates
     */
    public long updates() {
        return state.rewrites();
    }

    /**
     * Wall time of the most recent mask update (all layers, all devices), for benchmarks and logs.
     *
     * @return seconds, 0 before the first update
     */
    public double lastUpdateSeconds() {
        return state.lastRewriteSeconds();
    }

    /**
     * Whether the masks are installed (after {@code trainer.initialize}, or when the trainer was
     * created for an initialised model).
     *
     * @return true once bound to the model
     */
    public boolean isBound() {
        return state.bound();
    }

    /**
     * The checkpoint file of a model saved as {@code name} in {@code dir}.
     *
     * @param dir the model's folder
     * @param name the model's name
     * @return {@code dir/name.masks}
     */
    public static Path checkpointFile(Path dir, String name) {
        return dir.resolve(name + MaskCheckpoint.SUFFIX);
    }

    /**
     * Saves the masks and the step next to a model, atomically.
     *
     * @param dir the model's folder
     * @param name the model's name
     * @return the file written
     * @throws IOException if it cannot be written
     * @throws IllegalStateException before training has begun or after the model was closed
     */
    public Path save(Path dir, String name) throws IOException {
        Path file = checkpointFile(dir, name);
        state.save(file);
        return file;
    }

    /**
     * Resumes from a checkpoint saved by {@link #save}: the masks replace the initial draw and the
     * step counter continues. Call it before the trainer is created; the model's weights are loaded
     * separately ({@code Model.load}). The file is read and verified now; it is matched against the
     * model (tensor names, shapes and active counts under this recipe) when training begins.
     *
     * @param dir the model's folder
     * @param name the model's name
     * @return this handle
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is missing, corrupt or not a mask checkpoint
     * @throws IllegalStateException if training has already begun
     */
    public SparseRun resumeFrom(Path dir, String name) throws IOException {
        state.resumeFrom(MaskCheckpoint.read(checkpointFile(dir, name)));
        return this;
    }

    /**
     * The live mask of a parameter on the device of its array: 1 where the entry is active. It
     * belongs to the run: read it, do not change or close it.
     *
     * @param parameter a parameter of the model
     * @return its mask, or null if the parameter is not masked (unselected or dense)
     */
    public ai.djl.ndarray.NDArray mask(ai.djl.nn.Parameter parameter) {
        return state.maskById(parameter.getId(), parameter.getArray().getDevice());
    }
}
