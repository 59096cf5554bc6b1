package io.svite.core.checkpoint;

/**
 * A tensor about to be checkpointed holds NaN or infinite values: the run has diverged, and the
 * checkpoint is abandoned so that the last one on disk stays the last good one.
 */
public final class NonFiniteValuesException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String tensor;

    /**
     * Creates the exception.
     *
     * @param tensor the name of the first tensor found with a NaN or infinite value
     */
    public NonFiniteValuesException(String tensor) {
        super("tensor " + tensor + " holds NaN or infinite values");
        this.tensor = tensor;
    }

    /**
     * The tensor's name.
     *
     * @return the name
     */
    public String tensor() {
        return tensor;
    }
}
