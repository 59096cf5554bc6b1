package io.svite.examples.cli;

import io.svite.models.compact.Compactor;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.cost.CountFormat;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;
import io.svite.models.methods.S2viteMethod;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code svite compact}: turns a saved gated DeiT (gates exactly 0 or 1, e.g. trained with S2ViTE)
 * into the smaller dense DeiT without its gated-off heads and neurons, saves it with its
 * architecture, and prints parameters and MACs before and after.
 */
@Command(
        name = "compact",
        mixinStandardHelpOptions = true,
        description = "Remove the gated-off heads and MLP neurons of a saved DeiT: save the smaller dense model with its"
                + " architecture and print parameters and MACs before and after.")
final class CompactCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", paramLabel = "DIR", required = true, description = "A saved DeiT (a folder with deit.json), or a run folder: its gated/ model (S2ViTE runs) or else its model/.")
    Path checkpoint;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the compacted model (deit.json and its weights).")
    Path out;

    @Option(names = "--neuron-multiple", paramLabel = "N", description = "Pad each block's neurons to a multiple of N with inert zero neurons (8 runs faster on CPUs; default: 1, no padding).")
    int neuronMultiple = 1;

    @Option(names = "--json", description = "Print JSON: {checkpoint, out, before: {params, macs}, after: {params, macs}, paramsSaving, macsSaving, maxAbsDifference, blocks: [{heads, neurons}]}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (neuronMultiple < 1) {
            throw new IllegalArgumentException("--neuron-multiple must be >= 1, got " + neuronMultiple);
        }
        Path source = resolve(checkpoint);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("output folder " + out + " is a file; give a folder path");
        }
        if (Files.exists(out) && Files.isSameFile(out, source)) {
            throw new IllegalArgumentException("--out " + out + " is the checkpoint's own folder; give another folder");
        }
        Model loaded;
        try {
            loaded = DeiTFiles.load(source, Device.cpu());
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(e.getFile(), null, "missing: the checkpoint in " + source + " is incomplete");
        }
        try (Model gatedModel = loaded;
                Model small = Model.newInstance("deit", Device.cpu())) {
            DeiT gated = (DeiT) gatedModel.getBlock();
            DeiT compact = Compactor.compact(gated, small.getNDManager(), neuronMultiple);
            small.setBlock(compact);
            float difference = maxAbsDifference(gated, compact, small.getNDManager());
            DeiTFiles.save(small, out);
            CostReport before = CostModel.of(gated.config()).estimate();
            CostReport after = CostModel.of(compact.config()).estimate();
            System.out.print(json ? json(source, before, after, difference, compact.config()) + "\n"
                    : text(source, before, after, difference, gated.config(), compact.config()));
        }
        return 0;
    }

    /** The saved model in {@code dir}: the folder itself, else its gated/ model, else its model/. */
    static Path resolve(Path dir) throws NoSuchFileException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "checkpoint " + dir + (Files.exists(dir) ? " is a file" : " does not exist")
                            + "; give the folder of a saved DeiT (with deit.json) or a run folder");
        }
        for (Path candidate : new Path[] {dir, dir.resolve(S2viteMethod.GATED), dir.resolve("model")}) {
            if (Files.isRegularFile(candidate.resolve("deit.json"))) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(
                "no saved DeiT in " + dir + ": looked for deit.json there, in " + S2viteMethod.GATED + "/ and in model/");
    }

    /** Largest |gated − compacted| over the logits of four random images. */
    private static float maxAbsDifference(DeiT gated, DeiT compact, NDManager parent) {
        DeiTConfig c = gated.config();
        try (NDManager scope = parent.newSubManager()) {
            NDArray x = scope.randomNormal(new Shape(4, c.channels(), c.imageSize(), c.imageSize()));
            NDArray a = gated.forward(new ParameterStore(scope, false), new NDList(x), false).head();
            NDArray b = compact.forward(new ParameterStore(scope, false), new NDList(x), false).head();
            return a.sub(b).abs().max().getFloat();
        }
    }

    private String json(Path source, CostReport before, CostReport after, float difference, DeiTConfig config) {
        JsonObject o = new JsonObject();
        o.addProperty("checkpoint", source.toString());
        o.addProperty("out", out.toString());
        o.add("before", cost(before));
        o.add("after", cost(after));
        o.addProperty("paramsSaving", 1 - (double) after.params() / before.params());
        o.addProperty("macsSaving", 1 - after.macs() / before.macs());
        o.addProperty("maxAbsDifference", difference);
        JsonArray blocks = new JsonArray();
        for (BlockShape b : config.blocks()) {
            JsonObject j = new JsonObject();
            j.addProperty("heads", b.heads());
            j.addProperty("neurons", b.hidden());
            blocks.add(j);
        }
        o.add("blocks", blocks);
        return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }

    private static JsonObject cost(CostReport r) {
        JsonObject o = new JsonObject();
        o.addProperty("params", r.params());
        o.addProperty("macs", r.macs());
        return o;
    }

    private String text(
            Path source, CostReport before, CostReport after, float difference, DeiTConfig gated, DeiTConfig compact) {
        StringBuilder sb = new StringBuilder();
        line(sb, "checkpoint", source.toString());
        line(sb, "saved", out.toString());
        line(sb, "heads", blocks(compact, true) + " of " + gated.heads() + " per block");
        line(sb, "neurons", blocks(compact, false) + " of " + gated.hidden() + " per block");
        line(sb, "parameters", String.format(Locale.ROOT, "%,d → %,d (%.1f %% fewer)", before.params(), after.params(),
                100 * (1 - (double) after.params() / before.params())));
        line(sb, "MACs / image", String.format(Locale.ROOT, "%s → %s (%.1f %% fewer)", CountFormat.human(before.macs()),
                CountFormat.human(after.macs()), 100 * (1 - after.macs() / before.macs())));
        line(sb, "outputs", String.format(Locale.ROOT, "max |gated − compacted| on 4 random images: %.2e", difference));
        return sb.toString();
    }

    private static String blocks(DeiTConfig config, boolean heads) {
        StringBuilder sb = new StringBuilder();
        for (BlockShape b : config.blocks()) {
            sb.append(sb.length() == 0 ? "" : ",").append(heads ? b.heads() : b.hidden());
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format(Locale.ROOT, "%-15s %s%n", key, value));
    }
}
