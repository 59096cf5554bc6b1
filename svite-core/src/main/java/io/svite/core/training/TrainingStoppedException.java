package io.svite.core.training;

/**
 * Training or evaluation stopped between two batches because the JVM is shutting down (see {@link
 * ExitGuard}); the run folder keeps the checkpoints written before it.
 */
public final class TrainingStoppedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what stopped and why
     */
    public TrainingStoppedException(String message) {
        super(message);
    }
}
