package io.svite.examples.cli;

import io.svite.core.data.DataException;
import io.svite.core.data.ImageData;
import io.svite.core.data.InputSpec;
import io.svite.examples.report.ReportWriter;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.run.SavedRun;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code svite report}: pictures of one or more run folders — training curves, per-layer density
 * bars, weight masks at initialisation and at the end, surviving heads and neurons, kept tokens,
 * the topology over time (heads and neurons per update, weights changed and ever active, kept
 * patches per epoch), and accuracy versus MACs across the runs — with an index ({@code report.md})
 * and one self-contained HTML page ({@code report.html}).
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Draw PNG pictures of run folders (curves, density bars, mask heatmaps at initialisation and at the"
                + " end, head and neuron maps, kept-token overlays, the topology over time: heads, neurons and weights per"
                + " update and kept patches per epoch, accuracy vs MACs across runs), an index report.md and one"
                + " self-contained page report.html.")
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--run", paramLabel = "DIR", required = true, description = "A run folder written by 'svite train --out DIR'; repeat for several runs.")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the pictures, report.md and report.html (created if needed).")
    Path out;

    @Option(names = "--images", paramLabel = "N", description = "Test images drawn with their kept tokens for a token-selecting model (default: ${DEFAULT-VALUE}).")
    int images = 8;

    @Option(names = "--device", paramLabel = "DEV", description = "cpu, gpu or gpu:N to load the models on (default: the engine's default device).")
    String device;

    @Option(names = "--json", description = "Print JSON: {index, page, pictures: [{file, run, caption}], notes: [...]}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Conversions.nonNegative("--images", images);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("output folder " + out + " is a file; give a folder path");
        }
        List<SavedRun> saved = new ArrayList<>();
        for (Path run : runs) {
            saved.add(SavedRun.read(run));
        }
        Device dev = Conversions.device(device);
        ReportWriter.Written w = ReportWriter.write(saved, out, images, ReportCommand::firstTestImages, dev);
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("index", w.index().toString());
            o.addProperty("page", w.page().toString());
            JsonArray pictures = new JsonArray();
            for (ReportWriter.Picture p : w.pictures()) {
                JsonObject j = new JsonObject();
                j.addProperty("file", p.file().toString());
                if (p.run() != null) {
                    j.addProperty("run", p.run());
                }
                j.addProperty("caption", p.caption());
                pictures.add(j);
            }
            o.add("pictures", pictures);
            JsonArray notes = new JsonArray();
            w.notes().forEach(notes::add);
            o.add("notes", notes);
            System.out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o));
        } else {
            System.out.printf(Locale.ROOT, "wrote %d pictures of %d run(s) to %s; index: %s; page: %s%n",
                    w.pictures().size(), saved.size(), out, w.index(), w.page());
            for (String note : w.notes()) {
                System.out.println("not drawn: " + note);
            }
        }
        return 0;
    }

    /** The first test images of a run, from the dataset its recipe names. */
    private static NDArray firstTestImages(SavedRun run, DeiTConfig config, int count, NDManager manager)
            throws IOException {
        Map<String, String> r = run.recipe();
        String dataset = r.getOrDefault("dataset", "fashion-mnist");
        Path data = r.containsKey("data") ? Path.of(r.get("data")) : null;
        long seed = Conversions.recipeNumber(r, "seed", 42);
        try (ImageData images = Conversions.openData(dataset, data, config.imageSize(), seed)) {
            Iterator<Batch> batches =
                    images.test(new InputSpec(config.imageSize(), config.channels()), count).getData(manager).iterator();
            if (!batches.hasNext()) {
                throw new IllegalStateException(images.name() + " has no test images");
            }
            try (Batch batch = batches.next()) {
                NDArray x = batch.getData().head().toDevice(manager.getDevice(), true);
                x.attach(manager);
                return x;
            }
        } catch (DataException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (TranslateException e) {
            throw new IllegalStateException("cannot read the test images: " + e.getMessage(), e);
        }
    }
}
