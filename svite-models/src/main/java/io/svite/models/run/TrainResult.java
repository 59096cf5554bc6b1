package io.svite.models.run;

import io.svite.core.report.SparsityReport;
import io.svite.core.training.EpochMetrics;
import io.svite.models.cost.CostReport;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.TrainRecipe;

import com.google.gson.JsonObject;

import java.util.List;

/**
 * The outcome of a training run.
 *
 * @param recipe the recipe that was run
 * @param method the training method's name
 * @param methodSettings the method's settings
 * @param methodDescription one line describing the method's settings, or null
 * @param dataset the dataset's name
 * @param classes number of classes
 * @param epochs metrics per epoch, across phases
 * @param testAccuracy test accuracy of the final model in [0, 1]
 * @param architecture the final model's architecture (compacted methods end smaller)
 * @param cost parameters and MACs of the final model (at its densities and kept tokens)
 * @param denseParams parameters of the dense model the recipe asked for
 * @param denseMacs multiply-accumulates per image of that dense model
 * @param seconds wall time of the whole run
 * @param sparsity the unstructured sparsity report, or null
 */
public record TrainResult(
        TrainRecipe recipe,
        String method,
        JsonObject methodSettings,
        String methodDescription,
        String dataset,
        int classes,
        List<EpochMetrics> epochs,
        double testAccuracy,
        DeiTConfig architecture,
        CostReport cost,
        long denseParams,
        double denseMacs,
        double seconds,
        SparsityReport sparsity) {

    /** Copies the list. */
    public TrainResult {
        epochs = List.copyOf(epochs);
    }

    /**
     * Non-zero parameters of the final model.
     *
     * @return parameters
     */
    public long params() {
        return cost.params();
    }

    /**
     * Multiply-accumulates per image of the final model.
     *
     * @return MACs
     */
    public double macs() {
        return cost.macs();
    }

    /**
     * Fraction of the dense MACs saved.
     *
     * @return 1 − MACs / dense MACs
     */
    public double macsSaving() {
        return 1 - macs() / denseMacs;
    }

    /**
     * Fraction of the dense parameters saved.
     *
     * @return 1 − params / dense params
     */
    public double paramsSaving() {
        return 1 - (double) params() / denseParams;
    }
}
