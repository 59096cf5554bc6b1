package io.svite.examples.cli;

import io.svite.core.data.ImageDatasets;
import io.svite.examples.report.Charts;
import io.svite.examples.report.ComparePage;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.BudgetedMethod;
import io.svite.models.methods.Methods;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.run.Comparison;
import io.svite.models.run.ComparisonTable;

import ai.djl.Device;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code svite compare}: trains several methods one after the other at a matched parameter budget
 * on the same data and seed, each into its own run folder, and writes a comparison table, a CSV,
 * an accuracy-versus-MACs chart and one self-contained HTML page with both ({@code compare.html}).
 * The library's {@link Comparison} runs the methods and writes the table; this command parses the
 * options, records each run's options as {@code svite train} would and redraws the chart and the
 * page after every method.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "Train several methods at a matched parameter budget on the same data and seed, one after the"
                + " other, and write OUT/compare.md, OUT/compare.csv, OUT/accuracy-vs-macs.png, the page OUT/compare.html"
                + " and every method's run folder OUT/<method>/ (OUT/<method>/seed-S/ with --seeds). A method that fails is recorded with its reason and the others continue.")
final class CompareCommand implements Callable<Integer> {

    private final TrainRecipe d = TrainRecipe.defaults();

    @Option(names = "--methods", paramLabel = "LIST", description = "Comma-separated methods (default: all: ${DEFAULT-VALUE}).")
    String methods = String.join(",", Methods.names());

    @Option(names = "--budget", paramLabel = "B", description = "Fraction of the dense model's prunable parameters kept, in (0, 1): svite, omp, gmp, tp at sparsity 1 − B; s2vite and ssp at the heads and neurons per block that keep about B of them (by the cost model); small-dense at the depth of that budget; dense is the full-size reference (default: ${DEFAULT-VALUE}).")
    double budget = 0.5;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of every method; the one-shot methods (omp, ssp) need 2 or more (default: ${DEFAULT-VALUE}).")
    int epochs = d.epochs();

    @Option(names = "--model", paramLabel = "NAME", description = "DeiT preset: deit-mini (default), deit-tiny, deit-small, deit-base.")
    String model = d.model();

    @Option(names = "--dataset", paramLabel = "KIND", description = "fashion-mnist (default), cifar10, folder or synthetic.")
    String dataset = d.dataset();

    @Option(names = "--data", paramLabel = "DIR", description = "Dataset folder (default: none; see train --data).")
    Path data;

    @Option(names = "--batch-size", paramLabel = "N", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize = d.batchSize();

    @Option(names = "--max-batches", paramLabel = "N", description = "Training and test batches per epoch, 0 for all (default: ${DEFAULT-VALUE}).")
    int maxBatches = d.maxBatches();

    @Option(names = "--seed", paramLabel = "N", description = "Seed of every method's initialisation and data order (default: ${DEFAULT-VALUE}).")
    long seed = d.seed();

    @Option(names = "--augment", paramLabel = "PRESET", description = "Augmentation preset of every method: deit, cifar or none (default: the dataset's; see train --augment).")
    String augment;

    @Option(names = "--seeds", paramLabel = "N", description = "Train every method with N seeds, --seed, --seed + 1, …, each into OUT/<method>/seed-S/, and give the test accuracy as mean ± sample standard deviation (table, CSV, JSON, error bars on the chart; default: ${DEFAULT-VALUE}).")
    int seeds = 1;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the table, CSV, chart and run folders; it must be new or empty.")
    Path out;

    @Option(names = "--device", paramLabel = "DEV", description = "cpu, gpu or gpu:N (default: the engine's default device).")
    String device;

    @Option(names = "--json", description = "Print the table as JSON.")
    boolean json;

    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        List<String> chosen = methods();
        Methods.checkBudget(budget);
        DeiTConfig.preset(model);
        ImageDatasets.checkKind(dataset);
        Device dev = Conversions.device(device);
        ComparisonTable table = Comparison.builder()
                .methods(chosen)
                .budget(budget)
                .model(model)
                .dataset(dataset, data)
                .epochs(epochs)
                .batchSize(batchSize)
                .maxBatches(maxBatches)
                .seed(seed)
                .seeds(seeds)
                .augment(augment)
                .out(out)
                .device(dev)
                .progress(quiet ? null : System.err)
                .recipeOptions(this::recipe)
                .listener(new Comparison.Listener() {
                    @Override
                    public void starting(String method, int index, int count, List<String> options) {
                        if (!quiet) {
                            System.err.printf(Locale.ROOT, "compare: %s (%d of %d) %s%n", method, index, count,
                                    String.join(" ", options));
                        }
                    }

                    @Override
                    public void finished(ComparisonTable.Row row, ComparisonTable rows) throws IOException {
                        if (!row.ok()) {
                            System.err.println("compare: " + row.method() + " failed: " + row.error());
                        }
                        Path png = out.resolve("accuracy-vs-macs.png");
                        ComparePage.write(rows, chart(rows, png) ? png : null, out.resolve(ComparePage.PAGE));
                    }
                })
                .build()
                .run();
        System.out.print(json ? table.json() + "\n" : table.markdown());
        return 0;
    }

    /**
     * A method's {@code recipe.json}: the effective options of {@code svite train} with the common
     * options, the method's folder and its budget options, as if it had been run by hand.
     */
    private Map<String, Object> recipe(BudgetedMethod method, TrainRecipe recipe) {
        List<String> args = new ArrayList<>(List.of("--method", method.name(), "--model", model, "--dataset", dataset,
                "--epochs", Integer.toString(epochs), "--batch-size", Integer.toString(batchSize), "--max-batches",
                Integer.toString(maxBatches), "--seed", Long.toString(recipe.seed()), "--out", recipe.out()));
        if (data != null) {
            args.addAll(List.of("--data", data.toString()));
        }
        if (augment != null) {
            args.addAll(List.of("--augment", augment));
        }
        if (device != null) {
            args.addAll(List.of("--device", device));
        }
        args.addAll(method.options());
        CommandLine train = new CommandLine(new TrainCommand());
        train.parseArgs(args.toArray(new String[0]));
        return RecipeFile.effective(train.getCommandSpec());
    }

    /**
     * Draws the methods that finished, test accuracy against MACs.
     *
     * @return false if no method finished (nothing drawn)
     */
    static boolean chart(ComparisonTable table, Path png) throws IOException {
        List<Charts.RunPoint> points = new ArrayList<>();
        for (ComparisonTable.Row r : table.rows()) {
            if (r.ok() && Double.isFinite(r.accuracy().mean())) {
                points.add(new Charts.RunPoint(r.method(), r.result().macs(), r.accuracy().mean(), r.accuracy().std()));
            }
        }
        if (points.isEmpty()) {
            return false;
        }
        Charts.accuracyVsMacs(points, png);
        return true;
    }

    /** The methods of {@code --methods}, each known and given once. */
    List<String> methods() {
        Set<String> out = new LinkedHashSet<>();
        for (String part : methods.split(",", -1)) {
            String m = part.trim();
            if (m.isEmpty()) {
                throw new IllegalArgumentException("--methods has an empty entry in '" + methods + "'; give names separated by commas");
            }
            if (!Methods.names().contains(m)) {
                throw new IllegalArgumentException(
                        "unknown method '" + m + "' in --methods; known: " + String.join(", ", Methods.names()));
            }
            if (!out.add(m)) {
                throw new IllegalArgumentException("--methods names " + m + " twice");
            }
        }
        return List.copyOf(out);
    }
}
