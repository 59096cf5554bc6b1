package io.svite.models.run;

/**
 * One seed's run of a method: its result, or why it failed.
 *
 * @param seed the seed of initialisation, data order and augmentation
 * @param result the run's result, or null if it failed
 * @param error the one-line reason it failed, or null
 */
public record SeedRun(long seed, TrainResult result, String error) {

    /**
     * Whether the run finished.
     *
     * @return true if it has a result
     */
    public boolean ok() {
        return result != null;
    }

    /**
     * The first line of an exception's message, or its class name, as a failed run's reason.
     *
     * @param e the exception
     * @return one line
     */
    static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    }
}
