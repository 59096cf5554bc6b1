package io.svite.models.io;

import java.io.IOException;

/**
 * A saved model that exists but cannot be used: a truncated or corrupt file, an unknown format, or
 * weights that do not fit the architecture they are loaded into.
 */
public final class ModelFileException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the file
     */
    public ModelFileException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is wrong, naming the file
     * @param cause the underlying failure
     */
    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
