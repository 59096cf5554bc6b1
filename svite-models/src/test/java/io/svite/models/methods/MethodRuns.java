package io.svite.models.methods;

import io.svite.core.data.ImageData;
import io.svite.core.training.CheckpointPolicy;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.run.TrainReport;
import io.svite.models.run.TrainResult;
import io.svite.models.run.TrainingRun;

import ai.djl.engine.Engine;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Runs a method the way {@code svite train --dataset synthetic --quiet} does, through the library,
 * and plans it the way {@code svite plan --json} does.
 */
final class MethodRuns {

    private MethodRuns() {}

    /**
     * The recipe of a synthetic run with the command line's defaults otherwise.
     *
     * @param epochs passes over the data
     * @param maxBatches batches per epoch
     * @param batchSize images per batch
     * @param out the run folder, or null
     * @return the recipe
     */
    static TrainRecipe recipe(int epochs, int maxBatches, int batchSize, Path out) {
        return recipe(epochs, maxBatches, batchSize, 1e-3, 0.5, out);
    }

    /**
     * The recipe of a synthetic run with its own learning rate and warm-up.
     *
     * @param epochs passes over the data
     * @param maxBatches batches per epoch
     * @param batchSize images per batch
     * @param lr the peak learning rate
     * @param warmupEpochs the warm-up
     * @param out the run folder, or null
     * @return the recipe
     */
    static TrainRecipe recipe(int epochs, int maxBatches, int batchSize, double lr, double warmupEpochs, Path out) {
        TrainRecipe d = TrainRecipe.defaults();
        return new TrainRecipe("deit-mini", "synthetic", null, epochs, batchSize, maxBatches, lr, d.minLearningRate(),
                d.weightDecay(), warmupEpochs, d.labelSmoothing(), -1, d.seed(), out == null ? null : out.toString());
    }

    /**
     * A synthetic run of 2 epochs of 2 batches of 8 images without a run folder, as its report's JSON.
     *
     * @param method the method
     * @return the report
     */
    static JsonObject train(TrainingMethod method) {
        return train(method, recipe(2, 2, 8, null));
    }

    /**
     * A synthetic run of 2 epochs of 2 batches of 8 images, as its report's JSON.
     *
     * @param method the method
     * @param out the run folder, or null
     * @return the report
     */
    static JsonObject train(TrainingMethod method, Path out) {
        return train(method, recipe(2, 2, 8, out));
    }

    /**
     * Trains a method and returns its report's JSON; with the recipe's {@code out} it writes the
     * run folder as {@code svite train --out} does.
     *
     * @param method the method
     * @param recipe the recipe
     * @return the report
     */
    static JsonObject train(TrainingMethod method, TrainRecipe recipe) {
        try (ImageData data = TrainingRun.openData(recipe)) {
            TrainingRun run = new TrainingRun(recipe, data, Engine.getInstance().defaultDevice(), null);
            TrainResult result = recipe.out() == null
                    ? run.run(method, null, CheckpointPolicy.defaults())
                    : run.runInto(method, Path.of(recipe.out()), CheckpointPolicy.defaults(), null);
            return TrainReport.json(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The plan of a method on deit-mini, as {@code svite plan --json} prints it.
     *
     * @param method the method
     * @return the plan's JSON
     */
    static JsonObject plan(TrainingMethod method) {
        return plan("deit-mini", method);
    }

    /**
     * The plan of a method on a preset, as {@code svite plan --json} prints it.
     *
     * @param model the preset
     * @param method the method
     * @return the plan's JSON
     */
    static JsonObject plan(String model, TrainingMethod method) {
        return method.plan(DeiTConfig.preset(model)).json(model, method.name());
    }
}
