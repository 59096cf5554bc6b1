package io.svite.examples.cli;

import io.svite.examples.bench.CompactBench;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.io.DeiTFiles;
import io.svite.models.io.ModelFileException;
import io.svite.models.run.SavedRun;

import ai.djl.Device;
import ai.djl.Model;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code svite bench compact}: inference time of a dense DeiT and of its compacted counterpart
 * (whole heads and neurons removed), side by side in one run ({@link CompactBench}).
 */
@Command(
        name = "compact",
        mixinStandardHelpOptions = true,
        description = "Median forward pass of a dense DeiT vs the DeiT compacted to a fraction of its heads and MLP"
                + " neurons, interleaved in one run at each batch size; time saving vs MACs saving (target >= 0.85).")
final class CompactBenchCommand implements Callable<Integer> {

    /** The target for time saving over the exact budget's MACs saving. */
    static final double TARGET = 0.85;

    private final CompactBench.Options d = CompactBench.Options.defaults();

    @Option(names = "--model", paramLabel = "NAME", description = "DeiT preset (default: ${DEFAULT-VALUE}).")
    String model = d.model();

    @Option(names = "--heads", paramLabel = "A", description = "Fraction of each block's heads kept, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double heads = d.heads();

    @Option(names = "--neurons", paramLabel = "O", description = "Fraction of each block's MLP neurons kept, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double neurons = d.neurons();

    @Option(names = {"--batch-sizes", "--batches"}, paramLabel = "N[,N…]", split = ",", description = "Batch sizes to time (default: 1,64).")
    List<Integer> batchSizes = d.batchSizes();

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed passes per model and batch size (default: ${DEFAULT-VALUE}).")
    int warmup = d.warmup();

    @Option(names = "--runs", paramLabel = "N", description = "Timed passes per model and batch size (default: ${DEFAULT-VALUE}).")
    int runs = d.runs();

    @Option(names = "--neuron-multiple", paramLabel = "N", description = "Pad each compacted MLP to a multiple of N neurons with inert ones, 1 for none (default: ${DEFAULT-VALUE}).")
    int neuronMultiple = d.neuronMultiple();

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the weights, the kept units and the inputs (default: ${DEFAULT-VALUE}).")
    long seed = d.seed();

    @Option(names = "--saved", paramLabel = "DIR", description = "Time a saved model instead of a budget: a folder with deit.json, or a run folder (its model/, e.g. the compacted model of s2vite or ssp), against the dense model of its architecture. --model, --heads, --neurons and --neuron-multiple do not apply (default: none, the budget is timed).")
    Path saved;

    @Mixin ThreadOptions threads;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print the figures as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        CompactBench.Options options =
                new CompactBench.Options(model, heads, neurons, batchSizes, warmup, runs, neuronMultiple, seed);
        CompactBench.Result r;
        if (saved != null) {
            for (String option : new String[] {"--model", "--heads", "--neurons", "--neuron-multiple"}) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new IllegalArgumentException(option + " does not apply with --saved: the saved model is timed as it is");
                }
            }
            Path folder = savedModel(saved);
            threads.apply();
            try (Model loaded = load(folder)) {
                r = CompactBench.runSaved((DeiT) loaded.getBlock(), folder.toString(), options);
            }
        } else {
            threads.apply();
            r = CompactBench.run(options);
        }
        if (json) {
            System.out.println(new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
                    .toJson(json(r)));
        } else {
            System.out.print(r.text());
            System.out.printf(Locale.ROOT, "target: time saving >= %.2f x exact MACs saving at batch %d: %.2f -> %s%n",
                    TARGET, Collections.max(options.batchSizes()), r.efficiency(),
                    r.efficiency() >= TARGET ? "met" : "MISSED");
        }
        return 0;
    }

    /** The saved model in {@code dir}: the folder itself if it holds deit.json, else its model/, else its gated/. */
    static Path savedModel(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--saved " + dir + (Files.exists(dir) ? " is a file" : " does not exist")
                    + "; give the folder of a saved DeiT (with deit.json) or a run folder");
        }
        for (Path candidate : new Path[] {dir, dir.resolve(SavedRun.MODEL), dir.resolve(SavedRun.GATED)}) {
            if (Files.isRegularFile(candidate.resolve(DeiTFiles.CONFIG_FILE))) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no saved DeiT in " + dir + ": looked for " + DeiTFiles.CONFIG_FILE
                + " there, in " + SavedRun.MODEL + "/ and in " + SavedRun.GATED + "/");
    }

    private static Model load(Path folder) throws IOException {
        try {
            return DeiTFiles.load(folder, Device.cpu());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the saved model in " + folder + " is incomplete: " + e.getFile() + " is missing", e);
        } catch (ModelFileException e) {
            throw new IllegalArgumentException("cannot load the saved model: " + e.getMessage(), e);
        }
    }

    static JsonObject json(CompactBench.Result r) {
        JsonObject o = new JsonObject();
        CompactBench.Options opt = r.options();
        if (r.saved() != null) {
            o.addProperty("saved", r.saved());
        } else {
            o.addProperty("model", opt.model());
            o.addProperty("heads", opt.heads());
            o.addProperty("neurons", opt.neurons());
            o.addProperty("neuronMultiple", opt.neuronMultiple());
        }
        o.addProperty("warmup", opt.warmup());
        o.addProperty("runs", opt.runs());
        o.addProperty("threads", r.threads());
        o.addProperty("processors", r.processors());
        o.addProperty("loadAverage", r.loadAverage());
        JsonArray kept = new JsonArray();
        for (BlockShape b : r.compact().blocks()) {
            JsonObject k = new JsonObject();
            k.addProperty("heads", b.heads());
            k.addProperty("neurons", b.hidden());
            kept.add(k);
        }
        o.add("compactedBlocks", kept);
        o.addProperty("denseParams", r.denseCost().params());
        o.addProperty("compactParams", r.compactCost().params());
        o.addProperty("denseMacs", r.denseCost().macs());
        o.addProperty("budgetMacs", r.budgetCost().macs());
        o.addProperty("compactMacs", r.compactCost().macs());
        o.addProperty("budgetMacsSaving", r.budgetMacsSaving());
        o.addProperty("macsSaving", r.macsSaving());
        o.addProperty("maxAbsDifference", r.maxAbsDifference());
        JsonArray timings = new JsonArray();
        for (CompactBench.Timing t : r.timings()) {
            JsonObject j = new JsonObject();
            j.addProperty("batchSize", t.batch());
            j.addProperty("denseMillis", t.denseMillis());
            j.addProperty("compactMillis", t.compactMillis());
            if (t.unpaddedMillis() > 0) {
                j.addProperty("unpaddedMillis", t.unpaddedMillis());
            }
            j.addProperty("timeSaving", t.timeSaving());
            j.addProperty("pairedSaving", t.pairedSaving());
            j.addProperty("timeOverMacsSaving", t.timeSaving() / r.budgetMacsSaving());
            timings.add(j);
        }
        o.add("timings", timings);
        o.addProperty("efficiency", r.efficiency());
        o.addProperty("target", TARGET);
        o.addProperty("meetsTarget", r.efficiency() >= TARGET);
        return o;
    }
}
