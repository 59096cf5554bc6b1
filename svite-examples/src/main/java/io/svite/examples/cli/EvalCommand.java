package io.svite.examples.cli;

import io.svite.core.data.ImageData;
import io.svite.core.data.InputSpec;
import io.svite.core.training.Evaluation;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;
import io.svite.models.io.ModelFileException;

import ai.djl.Device;
import ai.djl.Model;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code svite eval}: the test accuracy of a saved model. For a run folder it uses the run's own
 * test batches (dataset, data folder, batch size and batch limit from its {@code recipe.json}), so
 * it reproduces the accuracy in the run's {@code report.json} exactly, and says so.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Evaluate a saved model on the test split: a run folder's model/ with the run's own test batches"
                + " (reproducing its reported accuracy), or any saved model folder.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--run", paramLabel = "DIR", description = "A run folder written by 'svite train --out DIR': evaluates DIR/model with the data settings of DIR/recipe.json (default: none; give --run or --model).")
    Path run;

    @Option(names = "--model", paramLabel = "DIR", description = "A saved model folder (deit.json + deit-0000.params), e.g. a run's model/ (default: none; give --run or --model).")
    Path modelDir;

    @Option(names = "--dataset", paramLabel = "KIND", description = "fashion-mnist, cifar10, folder or synthetic (default: the run's, else fashion-mnist).")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "Dataset folder (default: the run's, else the usual places).")
    Path data;

    @Option(names = "--batch-size", paramLabel = "N", description = "Images per batch (default: the run's, else 128).")
    Integer batchSize;

    @Option(names = "--max-batches", paramLabel = "N", description = "Evaluate only the first N test batches, 0 for all (default: the run's, else 0).")
    Integer maxBatches;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the synthetic dataset (default: the run's, else 42).")
    Long seed;

    @Option(names = "--device", paramLabel = "DEV", description = "cpu, gpu or gpu:N (default: the engine's default device).")
    String device;

    @Option(names = "--json", description = "Print JSON: {model, dataset, images, batches, batchSize, maxBatches, testAccuracy, reportedAccuracy, reproduced}.")
    boolean json;

    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        if ((run == null) == (modelDir == null)) {
            throw new IllegalArgumentException("give exactly one of --run DIR (a run folder) or --model DIR (a saved model)");
        }
        Map<String, String> recipe = Map.of();
        Double reported = null;
        Path folder = modelDir;
        if (run != null) {
            if (!Files.isDirectory(run)) {
                throw new IllegalArgumentException("run folder " + run + " does not exist");
            }
            folder = run.resolve("model");
            Path recipeFile = run.resolve("recipe.json");
            if (!Files.isRegularFile(recipeFile)) {
                throw new IllegalArgumentException(
                        "run folder " + run + " has no recipe.json, so its test batches are unknown; evaluate with"
                                + " --model " + folder + " and the data options instead");
            }
            recipe = RecipeFile.read(recipeFile);
            reported = reportedAccuracy(run.resolve("report.json"));
        }
        String kind = dataset != null ? dataset : recipe.getOrDefault("dataset", "fashion-mnist");
        Path dataDir = data != null ? data : recipe.containsKey("data") ? Path.of(recipe.get("data")) : null;
        int batch = Conversions.positive("--batch-size",
                batchSize != null ? batchSize : number(recipe, "batch-size", 128));
        int limit = Conversions.nonNegative("--max-batches",
                maxBatches != null ? maxBatches : number(recipe, "max-batches", 0));
        long dataSeed = seed != null ? seed : Conversions.recipeNumber(recipe, "seed", 42);
        if (!Conversions.DATASETS.contains(kind)) {
            throw new IllegalArgumentException("unknown dataset '" + kind + "'; known: " + String.join(", ", Conversions.DATASETS));
        }
        Device dev = Conversions.device(device);

        DeiTConfig architecture = readArchitecture(folder);
        Evaluation.Result result;
        String dataName;
        try (ImageData images = Conversions.openData(kind, dataDir, architecture.imageSize(), dataSeed);
                Model model = load(folder, dev)) {
            if (images.classes() != architecture.classes()) {
                throw new IllegalArgumentException(
                        "the model in " + folder + " has " + architecture.classes() + " classes but " + images.name()
                                + " has " + images.classes());
            }
            dataName = images.name();
            result = Evaluation.run(model, images.test(new InputSpec(architecture.imageSize(), architecture.channels()), batch),
                    batch, limit, dev, quiet ? null : System.err);
        }
        boolean reproduced = reported != null && reported == result.accuracy();
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("model", folder.toString());
            o.addProperty("dataset", dataName);
            o.addProperty("images", result.images());
            o.addProperty("batches", result.batches());
            o.addProperty("batchSize", batch);
            o.addProperty("maxBatches", limit);
            o.addProperty("testAccuracy", result.accuracy());
            if (reported != null) {
                o.addProperty("reportedAccuracy", reported);
                o.addProperty("reproduced", reproduced);
            }
            System.out.println(new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(o));
        } else {
            System.out.printf(Locale.ROOT, "%-15s %s%n", "model", folder);
            System.out.printf(Locale.ROOT, "%-15s %s, %,d test images in %d batches of %d%s%n", "data", dataName,
                    result.images(), result.batches(), batch, limit > 0 ? " (at most " + limit + ")" : "");
            System.out.printf(Locale.ROOT, "%-15s %.2f %%%n", "test accuracy", 100 * result.accuracy());
            if (reported != null) {
                System.out.printf(Locale.ROOT, "%-15s %.2f %% in report.json: %s%n", "reported", 100 * reported,
                        reproduced ? "reproduced exactly" : String.format(Locale.ROOT, "NOT reproduced (differs by %.4f points)",
                                100 * (result.accuracy() - reported)));
            }
        }
        if (reported != null && !reproduced) {
            System.err.println("svite: warning: the accuracy differs from the run's report.json; were the data or the"
                    + " model changed after the run?");
        }
        return 0;
    }

    private static DeiTConfig readArchitecture(Path folder) throws IOException {
        try {
            return DeiTFiles.readConfig(folder);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    "no saved model in " + folder + " (" + DeiTFiles.CONFIG_FILE + " is missing); a run folder has one"
                            + " in model/ when it was trained with --out", e);
        } catch (ModelFileException e) {
            throw new IllegalArgumentException("cannot read the saved model: " + e.getMessage(), e);
        }
    }

    private static Model load(Path folder, Device device) throws IOException {
        try {
            Model model = DeiTFiles.load(folder, device);
            if (!(model.getBlock() instanceof DeiT)) {
                model.close();
                throw new IllegalArgumentException(folder + " does not hold a DeiT");
            }
            return model;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the saved model in " + folder + " is incomplete: " + e.getFile()
                    + " is missing", e);
        } catch (ModelFileException e) {
            throw new IllegalArgumentException("cannot load the saved model: " + e.getMessage(), e);
        }
    }

    /** The test accuracy a run reported, or null when it has no readable report. */
    static Double reportedAccuracy(Path reportJson) {
        if (!Files.isRegularFile(reportJson)) {
            return null;
        }
        try {
            JsonObject o = JsonParser.parseString(Files.readString(reportJson, StandardCharsets.UTF_8)).getAsJsonObject();
            return o.has("testAccuracy") ? o.get("testAccuracy").getAsDouble() : null;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(reportJson + " is not a readable report: " + e.getMessage(), e);
        }
    }

    private static int number(Map<String, String> recipe, String key, int otherwise) {
        return Math.toIntExact(Conversions.recipeNumber(recipe, key, otherwise));
    }
}
