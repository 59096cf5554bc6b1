package io.svite.core;

import io.svite.core.report.SparsityReport;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The handle of one pruning run, from {@link PruningTrainingConfig#run()}: its report, its step and
 * event counters, its masks (to start the next phase from) and saving them.
 */
public final class PruningRun {

    final PruningState state;

    PruningRun(PruningState state) {
        this.state = state;
    }

    /**
     * Per selected tensor: density, non-zeros and the entries active when the run began; {@code
     * updates()} counts the pruning events done. Counts are tracked exactly by the events, so this
     * reads nothing from the device.
     *
     * @return the report
     * @throws IllegalStateException before training has begun
     */
    public SparsityReport report() {
        return state.report();
    }

    /**
     * Optimizer steps done.
     *
     * @return the step count
     */
    public long step() {
        return state.steps();
    }

    /**
     * Pruning events done (a step-0 event included).
     *
     * @return the number of events
     */
    public int events() {
        return state.events();
    }

    /**
     * Wall time of the most recent pruning event, for logs and benchmarks.
     *
     * @return seconds, 0 before the first event
     */
    public double lastEventSeconds() {
        return state.lastEventSeconds();
    }

    /**
     * Whether the run is bound to its model (when training began on an initialised model, else at
     * the first step).
     *
     * @return true once bound
     */
    public boolean isBound() {
        return state.bound();
    }

    /**
     * A copy of the current masks on the device, e.g. to fine-tune with them fixed ({@link
     * PruningTrainer.Builder#startFrom}). The caller closes it (or it goes with the model).
     *
     * @return the masks
     * @throws IllegalStateException before training has begun or after the model was closed
     */
    public MaskSet masks() {
        return state.masks();
    }

    /**
     * Saves the masks next to a model as {@code dir/name.masks}, in the same checkpoint format as
     * {@link SparseRun#save} (the ever-active sets are the masks the run began with).
     *
     * @param dir the model's folder
     * @param name the model's name
     * @return the file written
     * @throws IOException if it cannot be written
     * @throws IllegalStateException before training has begun or after the model was closed
     */
    public Path save(Path dir, String name) throws IOException {
        Path file = SparseRun.checkpointFile(dir, name);
        state.save(file);
        return file;
    }

    /**
     * Frees the run's masks and scores before the model closes (e.g. once its masks were handed to
     * the next phase with {@link #masks()}). The report stays readable; masks, saving and further
     * training with this run are not.
     */
    public void release() {
        state.release();
    }
}
