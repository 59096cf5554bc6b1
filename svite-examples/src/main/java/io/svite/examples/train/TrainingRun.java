package io.svite.examples.train;

import ai.djl.Device;
import ai.djl.engine.Engine;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.svite.examples.checkpoint.CheckpointStore;
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
 * leaves them behind. Checkpoints go to {@code checkpoints/} (see {@link CheckpointPolicy}); {@link
 * #resume} continues a run from the newest usable one, exactly.
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
     * Checks everything about the run that can be checked before training: the architecture (e.g.
     * an image size the patch size does not divide, more kept tokens than patches), a training split
     * with at least one batch, and the method's settings against the run's steps. Call it before
     * creating the run folder so that bad input writes nothing.
     *
     * @param method the training method
     * @throws IllegalArgumentException naming the first bad value
     */
    public void check(TrainingMethod method) {
        DeiTConfig architecture = method.architecture(modelConfig(recipe, data));
        long images = data.trainCount();
        if (images < 1) {
            throw new IllegalArgumentException("the training split of " + data.name() + " is empty");
        }
        long all = (images + recipe.batchSize() - 1) / recipe.batchSize();
        long stepsPerEpoch = recipe.maxBatches() > 0 ? Math.min(all, recipe.maxBatches()) : all;
        method.check(recipe, architecture, stepsPerEpoch);
    }

    /**
     * Trains with a method and evaluates the final model; with a run folder, checkpoints at the
     * end of every epoch and keeps the newest three ({@link CheckpointPolicy#defaults()}).
     *
     * @param method the training method
     * @param folder the run folder to write into, or null
     * @return what the run measured
     * @throws IOException if data or files cannot be read or written
     */
    public TrainResult run(TrainingMethod method, RunFolder folder) throws IOException {
        return run(method, folder, CheckpointPolicy.defaults());
    }

    /**
     * Trains with a method and evaluates the final model, checkpointing into the run folder.
     *
     * @param method the training method
     * @param folder the run folder to write into, or null (no checkpoints then)
     * @param policy when to checkpoint and how many to keep
     * @return what the run measured
     * @throws IllegalArgumentException if the folder already holds checkpoints of a run
     * @throws TrainingDivergedException if the loss becomes NaN or infinite
     * @throws IOException if data or files cannot be read or written
     */
    public TrainResult run(TrainingMethod method, RunFolder folder, CheckpointPolicy policy) throws IOException {
        return execute(method, folder, policy, false, folder == null ? null : CheckpointStore.in(folder.path()));
    }

    /**
     * Continues a run from the newest usable checkpoint in its folder (or from the beginning if it
     * holds none), with the same recipe and method; the result is the one the run would have had
     * without the interruption, bit for bit on the same machine.
     *
     * @param method the training method, made from the run's recipe
     * @param folder the run folder
     * @param policy when to checkpoint from now on and how many to keep
     * @return what the run measured
     * @throws IllegalStateException if the folder holds checkpoints but none can be used
     * @throws IOException if data or files cannot be read or written
     */
    public TrainResult resume(TrainingMethod method, RunFolder folder, CheckpointPolicy policy) throws IOException {
        if (folder == null) {
            throw new IllegalArgumentException("resuming needs the run folder");
        }
        return execute(method, folder, policy, true, CheckpointStore.in(folder.path()));
    }

    /** Runs with a given checkpoint store (tests: a store over a failing disk). */
    TrainResult execute(TrainingMethod method, RunFolder folder, CheckpointPolicy policy, boolean resume,
            CheckpointStore store) throws IOException {
        long start = System.nanoTime();
        DeiTConfig requested = modelConfig(recipe, data);
        DeiTConfig architecture = method.architecture(requested);
        Engine.getInstance().setRandomSeed((int) recipe.seed());
        RunCheckpoints checkpoints = null;
        if (folder != null && policy != null) {
            JsonElement fingerprint = fingerprint(method);
            checkpoints =
                    resume
                            ? RunCheckpoints.resuming(folder.path(), store, policy, fingerprint, architecture)
                            : RunCheckpoints.fresh(folder.path(), store, policy, fingerprint, architecture);
        }
        try (RunCheckpoints closing = checkpoints;
                MethodContext ctx =
                        new MethodContext(
                                recipe, data, device, architecture, progressOut,
                                folder == null ? null : folder::writeMetrics, checkpoints)) {
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

    /**
     * What a checkpoint must have been written by to be resumed here: the recipe (without where it
     * is written to), the method and its settings.
     */
    private JsonElement fingerprint(TrainingMethod method) {
        JsonObject o = new JsonObject();
        JsonObject r = FINGERPRINT_GSON.toJsonTree(recipe).getAsJsonObject();
        r.remove("out");
        o.add("recipe", r);
        o.addProperty("method", method.name());
        o.add("settings", method.settings());
        return o;
    }

    private static final Gson FINGERPRINT_GSON = new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues().create();
}
