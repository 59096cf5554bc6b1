package io.svite.examples.train;

import ai.djl.Device;
import ai.djl.engine.Engine;

import io.svite.examples.data.ImageData;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * Runs a {@link TrainingMethod} on a dataset and reports what it achieved: test accuracy of the
 * final model, its parameters and multiply-accumulates next to the dense model's.
 *
 * <p>With a run folder the final model is saved there with its architecture ({@code model/}),
 * next to the method's own files, and the metrics are rewritten after every epoch so a crash
 * leaves them behind.
 */
public final class TrainingRun {

    private final TrainRecipe recipe;
    private final ImageData data;
    private final Device device;
    private final PrintStream progressOut;

    /**
     * Prepares a run.
     *
     * @param recipe what to train and how
     * @param data the dataset
     * @param device the device to train on
     * @param progressOut where to show progress, or null for none
     */
    public TrainingRun(TrainRecipe recipe, ImageData data, Device device, PrintStream progressOut) {
        this.recipe = recipe;
        this.data = data;
        this.device = device;
        this.progressOut = progressOut;
    }

    /**
     * The architecture the recipe asks for, adapted to the dataset's classes.
     *
     * @param recipe the recipe
     * @param data the dataset
     * @return the model configuration
     */
    public static DeiTConfig modelConfig(TrainRecipe recipe, ImageData data) {
        DeiTConfig config = DeiTConfig.preset(recipe.model()).withClasses(data.classes());
        if (recipe.dropPath() >= 0) {
            config = config.withDropPath(recipe.dropPath());
        }
        return recipe.tokens() == null ? config : config.withTokenSelection(recipe.tokens());
    }

    /**
     * Trains with a method and evaluates the final model.
     *
     * @param method the training method
     * @param folder the run folder to write into, or null
     * @return what the run measured
     * @throws IOException if data or files cannot be read or written
     */
    public TrainResult run(TrainingMethod method, RunFolder folder) throws IOException {
        long start = System.nanoTime();
        DeiTConfig requested = modelConfig(recipe, data);
        DeiTConfig architecture = method.architecture(requested);
        Engine.getInstance().setRandomSeed((int) recipe.seed());
        try (MethodContext ctx =
                new MethodContext(
                        recipe, data, device, architecture, progressOut,
                        folder == null ? null : folder::writeMetrics)) {
            MethodOutcome outcome = method.train(ctx);
            double accuracy = ctx.evaluate(outcome.model());
            if (folder != null) {
                DeiTFiles.save(outcome.model(), folder.path().resolve("model"));
                if (outcome.artifacts() != null) {
                    outcome.artifacts().write(folder.path());
                }
            }
            CostReport dense = CostModel.of(requested.withTokenSelection(null)).dense();
            CostReport cost = CostModel.of(outcome.architecture()).estimate(outcome.densities());
            List<EpochMetrics> epochs = ctx.history();
            return new TrainResult(
                    recipe,
                    method.name(),
                    method.settings(),
                    method.describe(),
                    data.name(),
                    data.classes(),
                    epochs,
                    accuracy,
                    outcome.architecture(),
                    cost,
                    dense.params(),
                    dense.macs(),
                    (System.nanoTime() - start) / 1e9,
                    outcome.sparsity());
        }
    }
}
