package io.svite.core.training;

import java.nio.file.Path;

/**
 * The training loss became NaN or infinite (or the weights did): the run stopped, and the last
 * checkpoint written before it is the last good one.
 */
public final class TrainingDivergedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final long step;
    private final transient Path lastGoodCheckpoint;

    /**
     * Creates the exception.
     *
     * @param message the whole message: which step, what was found, where the last good checkpoint is
     * @param step the first step (across phases, from 1) known to be bad
     * @param lastGoodCheckpoint the newest checkpoint on disk, or null if none
     */
    public TrainingDivergedException(String message, long step, Path lastGoodCheckpoint) {
        super(message);
        this.step = step;
        this.lastGoodCheckpoint = lastGoodCheckpoint;
    }

    /**
     * The first step known to be bad, counted across phases from 1.
     *
     * @return the step
     */
    public long step() {
        return step;
    }

    /**
     * The newest checkpoint on disk when the run stopped.
     *
     * @return its folder, or null if the run wrote none
     */
    public Path lastGoodCheckpoint() {
        return lastGoodCheckpoint;
    }
}
