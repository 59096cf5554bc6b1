package io.svite.models.run;

import io.svite.models.methods.BudgetedMethod;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run folder's {@code recipe.json}: the options the run was made with, as an object of option
 * names (the command line's, without dashes: {@code "batch-size": 64}) to values.
 *
 * <p>{@code svite train --out} records every option that decides the computation, and {@code
 * --config recipe.json} or {@code --resume} repeat the run from it; a run started from Java records
 * {@link #of(TrainRecipe, TrainingMethod) the recipe's options and the method's name}, enough for
 * {@code svite eval --run} and {@code svite report} to find the run's data.
 */
public final class RecipeJson {

    /** The file's name in a run folder. */
    public static final String FILE = "recipe.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private RecipeJson() {}

    /**
     * The options as the file's text.
     *
     * @param options option name → value, in order
     * @return pretty-printed JSON and a newline
     */
    public static String toJson(Map<String, Object> options) {
        return GSON.toJson(options) + "\n";
    }

    /**
     * The options of a recipe and a method in the command line's words: the common options (data
     * folder and drop-path only when set, the token selection's ratio or count when there is one)
     * and the method's name. The method's own settings are in the run's report.
     *
     * @param recipe the recipe
     * @param method the method
     * @return option name → value
     */
    public static Map<String, Object> of(TrainRecipe recipe, TrainingMethod method) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", recipe.model());
        o.put("dataset", recipe.dataset());
        if (recipe.data() != null) {
            o.put("data", recipe.data());
        }
        o.put("epochs", recipe.epochs());
        o.put("batch-size", recipe.batchSize());
        o.put("max-batches", recipe.maxBatches());
        o.put("lr", recipe.learningRate());
        o.put("min-lr", recipe.minLearningRate());
        o.put("weight-decay", recipe.weightDecay());
        o.put("warmup-epochs", recipe.warmupEpochs());
        o.put("label-smoothing", recipe.labelSmoothing());
        if (recipe.dropPath() >= 0) {
            o.put("drop-path", recipe.dropPath());
        }
        o.put("seed", recipe.seed());
        if (recipe.augment() != null) {
            o.put("augment", recipe.augment());
        }
        if (recipe.ema() > 0) {
            o.put("ema", recipe.ema());
        }
        o.put("method", method.name());
        if (recipe.tokens() != null) {
            // the option's text, as the command line records it: a ratio has a decimal point, a count has none
            o.put("tokens", recipe.tokens().byRatio()
                    ? Double.toString(recipe.tokens().ratio()) : Integer.toString(recipe.tokens().count()));
        }
        return o;
    }

    /**
     * The options of a method put at a budget: {@link #of(TrainRecipe, TrainingMethod)} and the
     * budget's options (e.g. {@code "sparsity": 0.5}).
     *
     * @param recipe the recipe
     * @param method the method at its budget
     * @return option name → value
     */
    public static Map<String, Object> of(TrainRecipe recipe, BudgetedMethod method) {
        Map<String, Object> o = of(recipe, method.method());
        List<String> options = method.options();
        for (int i = 0; i + 1 < options.size(); i += 2) {
            o.put(options.get(i).replaceFirst("^-+", ""), Double.parseDouble(options.get(i + 1)));
        }
        return o;
    }

    /**
     * Reads a {@code recipe.json}: every option whose value is a single value, as text.
     *
     * @param file the file
     * @return option name → value as text, in file order
     * @throws IllegalArgumentException if the file cannot be read or is not a JSON object
     */
    public static Map<String, String> read(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : object(file).entrySet()) {
            if (e.getValue().isJsonPrimitive()) {
                values.put(e.getKey(), e.getValue().getAsString());
            }
        }
        return values;
    }

    /**
     * Reads a JSON object file of a run folder.
     *
     * @param file the file
     * @return the object
     * @throws IllegalArgumentException if the file cannot be read or is not a JSON object
     */
    static JsonObject object(Path file) {
        try {
            return JsonParser.parseString(text(file)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a JSON object: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a text file of a run folder.
     *
     * @param file the file
     * @return its text
     * @throws IllegalArgumentException if it cannot be read
     */
    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
