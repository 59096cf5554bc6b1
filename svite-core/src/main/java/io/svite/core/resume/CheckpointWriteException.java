package io.svite.core.resume;

import java.nio.file.Path;

/**
 * A checkpoint could not be written — an {@code IOException} (a full disk) or a {@code
 * NonFiniteValuesException} (a NaN weight or moment) is the cause: nothing of it is visible, the
 * previous checkpoints are intact, and the message names the step and the last complete one.
 */
public final class CheckpointWriteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Position position;
    private final transient Path lastComplete;

    CheckpointWriteException(Position position, Path lastComplete, Exception cause) {
        super("cannot write the checkpoint after step " + position.globalStep() + ": " + cause.getMessage()
                + (lastComplete == null ? "" : "; the last complete checkpoint is " + lastComplete), cause);
        this.position = position;
        this.lastComplete = lastComplete;
    }

    /**
     * Where the run stood.
     *
     * @return the position of the checkpoint that failed
     */
    public Position position() {
        return position;
    }

    /**
     * The newest checkpoint that was written completely.
     *
     * @return its folder, or null if none
     */
    public Path lastComplete() {
        return lastComplete;
    }
}
