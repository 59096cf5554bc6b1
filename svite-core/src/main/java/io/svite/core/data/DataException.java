package io.svite.core.data;

/**
 * A dataset could not be found, read or understood; the message says where the loader looked and
 * how to get the data.
 */
public class DataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, where it looked and what to do
     */
    public DataException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, where it looked and what to do
     * @param cause the underlying error
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
