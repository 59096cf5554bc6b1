package io.svite.examples.train;

import io.svite.core.SparsityReport;

import java.util.List;

/**
 * The outcome of a training run.
 *
 * @param recipe the recipe that was run
 * @param dataset the dataset's name
 * @param classes number of classes
 * @param epochs metrics per epoch
 * @param testAccuracy final test accuracy in [0, 1]
 * @param params non-zero parameters of the trained model
 * @param denseParams parameters of the dense model
 * @param macs multiply-accumulates per image of the trained model
 * @param denseMacs multiply-accumulates per image of the dense model
 * @param seconds wall time of the whole run
 * @param sparsity the final sparsity report of a sparse run, or null for a dense one
 */
public record TrainResult(
        TrainRecipe recipe,
        String dataset,
        int classes,
        List<EpochMetrics> epochs,
        double testAccuracy,
        long params,
        long denseParams,
        double macs,
        double denseMacs,
        double seconds,
        SparsityReport sparsity) {

    /** Copies the list. */
    public TrainResult {
        epochs = List.copyOf(epochs);
    }

    /**
     * The result of a dense run.
     *
     * @param recipe the recipe that was run
     * @param dataset the dataset's name
     * @param classes number of classes
     * @param epochs metrics per epoch
     * @param testAccuracy final test accuracy in [0, 1]
     * @param params non-zero parameters of the trained model
     * @param denseParams parameters of the dense model
     * @param macs multiply-accumulates per image of the trained model
     * @param denseMacs multiply-accumulates per image of the dense model
     * @param seconds wall time of the whole run
     */
    public TrainResult(
            TrainRecipe recipe,
            String dataset,
            int classes,
            List<EpochMetrics> epochs,
            double testAccuracy,
            long params,
            long denseParams,
            double macs,
            double denseMacs,
            double seconds) {
        this(recipe, dataset, classes, epochs, testAccuracy, params, denseParams, macs, denseMacs, seconds, null);
    }

    /**
     * Fraction of the dense MACs saved.
     *
     * @return 1 − MACs / dense MACs
     */
    public double macsSaving() {
        return 1 - macs / denseMacs;
    }
}
