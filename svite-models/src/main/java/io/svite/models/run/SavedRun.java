package io.svite.models.run;

import io.svite.models.methods.RunFiles;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a run folder written by {@link TrainingRun} ({@code svite train --out DIR}) holds, as far as
 * a report needs it: the recipe, the final report, the per-epoch metrics, where the model and
 * masks are, and the timeline ({@link #timeline()}).
 *
 * @param dir the run folder
 * @param recipe the effective options of {@code recipe.json} (option name → value), empty if absent
 * @param report the content of {@code report.json}, or null if absent
 * @param epochs the per-epoch metrics of {@code metrics.json}, empty if absent
 */
public record SavedRun(Path dir, Map<String, String> recipe, JsonObject report, List<SavedRun.Epoch> epochs) {

    /** The folder of the saved model inside a run folder. */
    public static final String MODEL = RunFiles.MODEL;

    /** The folder of a structured run's gated model, before compaction, inside a run folder. */
    public static final String GATED = RunFiles.GATED;

    /**
     * What one epoch of the run measured, as {@code metrics.json} records it.
     *
     * @param epoch the epoch, from 1, across phases
     * @param trainLoss mean training loss
     * @param trainAccuracy training accuracy in [0, 1]
     * @param testAccuracy test accuracy in [0, 1]
     */
    public record Epoch(int epoch, double trainLoss, double trainAccuracy, double testAccuracy) {}

    /** Copies the collections. */
    public SavedRun {
        recipe = Map.copyOf(recipe);
        epochs = List.copyOf(epochs);
    }

    /**
     * Reads a run folder.
     *
     * @param dir the folder
     * @return what it holds
     * @throws IllegalArgumentException if it does not exist, holds none of a run's files, or a file
     *     is not what it should be
     */
    public static SavedRun read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("run folder " + dir + " does not exist");
        }
        Path recipeFile = dir.resolve(RecipeJson.FILE);
        Path reportFile = dir.resolve("report.json");
        Path metricsFile = dir.resolve("metrics.json");
        if (!Files.exists(recipeFile) && !Files.exists(reportFile) && !Files.exists(metricsFile)
                && !Files.isDirectory(dir.resolve(MODEL))) {
            throw new IllegalArgumentException(
                    dir + " is not a run folder: it has none of recipe.json, report.json, metrics.json, model/"
                            + " (write one with 'svite train --out DIR')");
        }
        Map<String, String> recipe = Files.isRegularFile(recipeFile) ? RecipeJson.read(recipeFile) : Map.of();
        JsonObject report = Files.isRegularFile(reportFile) ? RecipeJson.object(reportFile) : null;
        List<Epoch> epochs = new ArrayList<>();
        if (Files.isRegularFile(metricsFile)) {
            try {
                for (JsonElement e : JsonParser.parseString(RecipeJson.text(metricsFile)).getAsJsonArray()) {
                    JsonObject m = e.getAsJsonObject();
                    epochs.add(new Epoch(m.get("epoch").getAsInt(), m.get("trainLoss").getAsDouble(),
                            m.get("trainAccuracy").getAsDouble(), m.get("testAccuracy").getAsDouble()));
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(metricsFile + " is not a list of epoch metrics: " + e.getMessage(), e);
            }
        }
        return new SavedRun(dir, recipe, report, epochs);
    }

    /**
     * The run's name in pictures: its folder's name.
     *
     * @return the name
     */
    public String name() {
        Path file = dir.toAbsolutePath().normalize().getFileName();
        return file == null ? "run" : file.toString();
    }

    /**
     * The folder of the run's saved model.
     *
     * @return {@code dir/model}
     */
    public Path model() {
        return dir.resolve(MODEL);
    }

    /**
     * Whether the run saved its model.
     *
     * @return true if {@code model/} exists
     */
    public boolean hasModel() {
        return Files.isDirectory(model());
    }

    /**
     * The folder of the gated model a structured run saved before compacting it ({@code gated/},
     * S2ViTE), whose gates say which heads and neurons survived where.
     *
     * @return {@code dir/gated}, or null if the run has none
     */
    public Path gatedModel() {
        Path gated = dir.resolve(GATED);
        return Files.isDirectory(gated) ? gated : null;
    }

    /**
     * A masks file of the run, if it exists ({@code svite.masks}, {@code svite-init.masks}).
     *
     * @param name the file's name without {@code .masks}
     * @return the file, or null if absent
     */
    public Path masks(String name) {
        Path file = dir.resolve(name + ".masks");
        return Files.isRegularFile(file) ? file : null;
    }

    /**
     * How the run's topology moved while it trained ({@value RunTimeline#FILE}: the engine's
     * timeline per phase, the token snapshots).
     *
     * @return the timeline, or null if the run folder has none (a dense run, or a run written
     *     before timelines were recorded)
     * @throws IllegalArgumentException if the file is not a run timeline
     * @throws java.io.UncheckedIOException if it cannot be read
     */
    public RunTimeline timeline() {
        Path file = dir.resolve(RunTimeline.FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return RunTimeline.read(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The training method's name from the report or the recipe.
     *
     * @return the method, e.g. {@code svite}; {@code dense} when none is recorded
     */
    public String method() {
        if (report != null && report.has("method")) {
            return report.get("method").getAsString();
        }
        return recipe.getOrDefault("method", "dense");
    }

    /**
     * The reported test accuracy.
     *
     * @return accuracy in [0, 1], or NaN without a report
     */
    public double testAccuracy() {
        return report != null && report.has("testAccuracy") ? report.get("testAccuracy").getAsDouble() : Double.NaN;
    }

    /**
     * The reported multiply-accumulates per image of the final model.
     *
     * @return MACs, or NaN without a report
     */
    public double macs() {
        return report != null && report.has("macs") ? report.get("macs").getAsDouble() : Double.NaN;
    }
}
