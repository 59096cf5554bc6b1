package io.svite.models.run;

import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.checkpoint.Storage;
import io.svite.core.data.ImageData;
import io.svite.core.data.ImageDatasets;
import io.svite.core.training.CheckpointPolicy;
import io.svite.core.training.EpochMetrics;
import io.svite.core.training.ExitGuard;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;
import io.svite.models.methods.MethodOutcome;
import io.svite.models.methods.RunFiles;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;

import ai.djl.Device;
import ai.djl.engine.Engine;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link TrainingMethod} on a dataset and reports what it achieved: test accuracy of the
 * final model, its parameters and multiply-accumulates next to the dense model's.
 *
 * <pre>{@code
 * TrainRecipe recipe = TrainRecipe.defaults();
 * try (ImageData data = TrainingRun.openData(recipe)) {
 *     TrainingRun run = new TrainingRun(recipe, data, Device.cpu(), System.err);
 *     TrainResult result = run.runInto(new SviteMethod(SviteRecipe.defaults(0.5, recipe.seed())),
 *             Path.of("runs/svite"), CheckpointPolicy.defaults(), null);
 *     System.out.print(TrainReport.text(result));
 * }
 * // after an interruption, the same method and recipe continue exactly:
 * run.resumeIn(method, Path.of("runs/svite"), CheckpointPolicy.defaults());
 * }</pre>
 *
 * <p>With a run folder the final model is saved there with its architecture ({@code model/}),
 * next to the method's own files, and the metrics are rewritten after every epoch so a crash
 * leaves them behind. Checkpoints go to {@code checkpoints/} (see {@link CheckpointPolicy}); {@link
 * #resume} continues a run from the newest usable one, exactly.
 */
public final class TrainingRun {

    private static final Gson FINGERPRINT_GSON =
            new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues().create();

    private final TrainRecipe recipe;
    private final ImageData data;
    private final Device device;
    private final PrintStream progressOut;
    private final Storage storage;

    /**
     * Prepares a run.
     *
     * @param recipe what to train and how
     * @param data the dataset
     * @param device the device to train on
     * @param progressOut where to show progress, or null for none
     */
    public TrainingRun(TrainRecipe recipe, ImageData data, Device device, PrintStream progressOut) {
        this(recipe, data, device, progressOut, Storage.local());
    }

    private TrainingRun(TrainRecipe recipe, ImageData data, Device device, PrintStream progressOut, Storage storage) {
        this.recipe = recipe;
        this.data = data;
        this.device = device;
        this.progressOut = progressOut;
        this.storage = storage;
    }

    /**
     * This run with its checkpoints written through another storage (a slow or failing disk in
     * tests, a file system with its own durability rules).
     *
     * @param checkpointStorage where the checkpoints' bytes, syncs and renames go
     * @return the run
     */
    public TrainingRun withStorage(Storage checkpointStorage) {
        if (checkpointStorage == null) {
            throw new IllegalArgumentException("storage must not be null; use Storage.local() for the local disk");
        }
        return new TrainingRun(recipe, data, device, progressOut, checkpointStorage);
    }

    /**
     * Opens the dataset a recipe names ({@link TrainRecipe#dataset()}, {@link TrainRecipe#data()}),
     * with the input size of its model.
     *
     * @param recipe the recipe
     * @return the open dataset; the caller closes it
     * @throws IllegalArgumentException for an unknown model or dataset, or a dataset that needs a folder
     * @throws io.svite.core.data.DataException if the files are missing or unreadable
     */
    public static ImageData openData(TrainRecipe recipe) {
        return ImageDatasets.open(
                recipe.dataset(),
                recipe.data() == null ? null : Path.of(recipe.data()),
                DeiTConfig.preset(recipe.model()).imageSize(),
                recipe.seed());
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
     * Checks the run, then trains into a new run folder: {@code recipe.json} is written before
     * training, the metrics after every epoch, the model, the method's files and the report
     * ({@code report.txt}, {@code report.json}) at the end. Bad input writes nothing.
     *
     * @param method the training method
     * @param out the run folder, created if needed; it must hold no checkpoints
     * @param policy when to checkpoint and how many to keep
     * @param recipeJson the options to record in {@code recipe.json}, or null for the recipe's
     *     ({@link RecipeJson#of(TrainRecipe, TrainingMethod)})
     * @return what the run measured
     * @throws IllegalArgumentException for bad settings or a folder with checkpoints of a run
     * @throws IOException if data or files cannot be read or written
     */
    public TrainResult runInto(TrainingMethod method, Path out, CheckpointPolicy policy, Map<String, Object> recipeJson)
            throws IOException {
        check(method); // everything that can be refused is refused before anything is written
        List<Path> existing = CheckpointStore.in(out).list();
        if (!existing.isEmpty()) {
            throw new IllegalArgumentException(
                    out + " already holds checkpoints of a run (newest: " + existing.get(existing.size() - 1).getFileName()
                            + "); resume it with 'svite train --resume " + out + "' or choose another --out");
        }
        RunFolder folder = RunFolder.create(out);
        folder.writeRecipe(recipeJson == null ? RecipeJson.of(recipe, method) : recipeJson);
        TrainResult result = run(method, folder, policy);
        folder.writeResult(result);
        return result;
    }

    /**
     * Checks the run, then continues it in its folder from the newest usable checkpoint and writes
     * the model, the method's files and the report as {@link #runInto} does.
     *
     * @param method the training method, made from the run's recipe
     * @param dir the run folder
     * @param policy when to checkpoint from now on and how many to keep
     * @return what the run measured
     * @throws IllegalArgumentException if the folder does not exist or cannot be written
     * @throws IllegalStateException if the folder holds checkpoints but none can be used
     * @throws IOException if data or files cannot be read or written
     */
    public TrainResult resumeIn(TrainingMethod method, Path dir, CheckpointPolicy policy) throws IOException {
        check(method);
        RunFolder folder = RunFolder.existing(dir);
        TrainResult result = resume(method, folder, policy);
        folder.writeResult(result);
        return result;
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
     * @throws io.svite.core.training.TrainingDivergedException if the loss becomes NaN or infinite
     * @throws IOException if data or files cannot be read or written
     */
    public TrainResult run(TrainingMethod method, RunFolder folder, CheckpointPolicy policy) throws IOException {
        return execute(method, folder, policy, false);
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
        return execute(method, folder, policy, true);
    }

    private TrainResult execute(TrainingMethod method, RunFolder folder, CheckpointPolicy policy, boolean resume)
            throws IOException {
        long start = System.nanoTime();
        DeiTConfig requested = modelConfig(recipe, data);
        DeiTConfig architecture = method.architecture(requested);
        Engine.getInstance().setRandomSeed((int) recipe.seed());
        RunCheckpoints checkpoints = null;
        if (folder != null && policy != null) {
            CheckpointStore store = CheckpointStore.in(folder.path(), storage);
            JsonElement fingerprint = fingerprint(method);
            checkpoints =
                    resume
                            ? RunCheckpoints.resuming(folder.path(), store, policy, fingerprint, architecture)
                            : RunCheckpoints.fresh(folder.path(), store, policy, fingerprint, architecture);
        }
        // the JVM's exit waits for this run to leave PyTorch (see ExitGuard): libtorch's destructors
        // must not run under a backward pass
        try (ExitGuard.Hold hold = ExitGuard.hold();
                RunCheckpoints closing = checkpoints;
                RunContext ctx =
                        new RunContext(
                                recipe, data, device, architecture, progressOut,
                                folder == null ? null : folder::writeMetrics, checkpoints)) {
            MethodOutcome outcome = method.train(ctx);
            double accuracy = ctx.evaluate(outcome.model());
            if (folder != null) {
                DeiTFiles.save(outcome.model(), folder.path().resolve(RunFiles.MODEL));
                if (outcome.artifacts() != null) {
                    outcome.artifacts().write(folder.path());
                }
                RunTimeline timeline = ctx.timeline();
                if (!timeline.isEmpty()) {
                    folder.writeAtomically(RunTimeline.FILE, timeline.jsonText());
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
}
