package io.svite.examples.cli;

import io.svite.examples.train.RunFolder;
import io.svite.examples.train.TrainRecipe;
import io.svite.examples.train.TrainResult;
import io.svite.models.deit.DeiTConfig;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code svite compare}: trains several methods one after the other at a matched parameter budget
 * on the same data and seed, each into its own run folder, and writes a comparison table, a CSV and
 * an accuracy-versus-MACs chart.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "Train several methods at a matched parameter budget on the same data and seed, one after the"
                + " other, and write OUT/compare.md, OUT/compare.csv, OUT/accuracy-vs-macs.png and every method's run"
                + " folder OUT/<method>/. A method that fails is recorded with its reason and the others continue.")
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

    @Option(names = "--data", paramLabel = "DIR", description = "Dataset folder (see train --data).")
    Path data;

    @Option(names = "--batch-size", paramLabel = "N", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize = d.batchSize();

    @Option(names = "--max-batches", paramLabel = "N", description = "Training and test batches per epoch, 0 for all (default: ${DEFAULT-VALUE}).")
    int maxBatches = d.maxBatches();

    @Option(names = "--seed", paramLabel = "N", description = "Seed of every method's initialisation and data order (default: ${DEFAULT-VALUE}).")
    long seed = d.seed();

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
        DeiTConfig dense = DeiTConfig.preset(model);
        if (!Conversions.DATASETS.contains(dataset)) {
            throw new IllegalArgumentException("unknown dataset '" + dataset + "'; known: " + String.join(", ", Conversions.DATASETS));
        }
        Conversions.device(device);
        refuseUsedFolder(out);
        List<List<String>> options = new ArrayList<>();
        for (String m : chosen) {
            options.add(Methods.optionsAt(m, budget, dense));
        }
        RunFolder folder = RunFolder.create(out);
        CompareTable table =
                new CompareTable(model, dataset, budget, epochs, seed, Methods.structuredAt(dense, budget).toString());
        for (int i = 0; i < chosen.size(); i++) {
            String m = chosen.get(i);
            if (!quiet) {
                System.err.printf(Locale.ROOT, "compare: %s (%d of %d) %s%n", m, i + 1, chosen.size(),
                        String.join(" ", options.get(i)));
            }
            table.add(train(m, options.get(i)));
            folder.writeAtomically("compare.csv", table.csv());
            folder.writeAtomically("compare.md", table.markdown());
            table.chart(out.resolve("accuracy-vs-macs.png"));
        }
        System.out.print(json ? table.json() + "\n" : table.markdown());
        return 0;
    }

    /** One method's training, through {@code train} with the same common options. */
    private CompareTable.Row train(String method, List<String> budgetOptions) {
        List<String> args = new ArrayList<>(List.of("--method", method, "--model", model, "--dataset", dataset,
                "--epochs", Integer.toString(epochs), "--batch-size", Integer.toString(batchSize), "--max-batches",
                Integer.toString(maxBatches), "--seed", Long.toString(seed), "--out", out.resolve(method).toString()));
        if (data != null) {
            args.addAll(List.of("--data", data.toString()));
        }
        if (device != null) {
            args.addAll(List.of("--device", device));
        }
        if (quiet) {
            args.add("--quiet");
        }
        args.addAll(budgetOptions);
        try {
            TrainCommand train = new TrainCommand();
            new CommandLine(train).parseArgs(args.toArray(new String[0]));
            TrainResult result = train.execute();
            return new CompareTable.Row(method, budgetOptions, result, null);
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            System.err.println("compare: " + method + " failed: " + reason);
            return new CompareTable.Row(method, budgetOptions, null, reason);
        }
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

    private static void refuseUsedFolder(Path dir) throws IOException {
        if (Files.isRegularFile(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is a file; give a new or empty folder");
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + dir + " is not empty; give a new or empty folder");
                }
            }
        }
    }
}
