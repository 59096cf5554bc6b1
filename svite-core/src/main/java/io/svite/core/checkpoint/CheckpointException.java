package io.svite.core.checkpoint;

import java.io.IOException;

/**
 * A checkpoint that cannot be used: missing, incomplete, truncated, corrupt, of another format, or
 * made for another run. The message names the checkpoint and says what is wrong with it.
 */
public final class CheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the checkpoint
     */
    public CheckpointException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is wrong, naming the checkpoint
     * @param cause the underlying failure
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
