package io.svite.examples.report;

import io.svite.core.checkpoint.SavedMasks;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;
import io.svite.models.io.ModelFileException;
import io.svite.models.run.LayerDensities;
import io.svite.models.run.RunTimeline;
import io.svite.models.run.SavedRun;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the pictures of one or more run folders, an index ({@code report.md}) listing them and one
 * self-contained HTML page ({@code report.html}) showing them with the run table.
 *
 * <p>Every picture stands alone: a title, the run and step it shows, labelled axes and a legend
 * (charts by XChart; rasters inside a labelled {@link Figure}). Per run, in {@code out/<run
 * name>/}: {@code curves.png} (loss and accuracies per epoch), {@code density.png} (effective
 * density per weight layer, {@link LayerDensities}), {@code masks/init/<tensor>.png} and {@code
 * masks/final/<tensor>.png} (every masked weight at initialisation and at the end, Figure A6: black
 * = pruned), {@code heads.png} and {@code neurons.png} (blocks × units, Figure A7: black = closed or
 * removed; drawn when some unit does not work), {@code tokens/tokens-<i>.png} (the patches a token
 * selector keeps for the first test images, Figure 5), and from the run's timeline ({@code
 * SavedRun.timeline()}) the topology over time in {@code timeline/} ({@link TimelinePictures}).
 * Across runs: {@code accuracy-vs-macs.png}. Whatever a run folder lacks is skipped with a note in
 * the index.
 */
public final class ReportWriter {

    /** Pixels per head in the head map. */
    static final int HEAD_CELL = 40;
    /** Pixel height of a block row in the neuron map. */
    static final int NEURON_ROW = 20;

    private ReportWriter() {}

    /**
     * One picture written.
     *
     * @param file the PNG file
     * @param run the run it shows, or null for a picture across runs
     * @param caption one line saying what it shows
     */
    public record Picture(Path file, String run, String caption) {}

    /** Supplies the first test images of a run, as the model's inputs, for the token overlays. */
    @FunctionalInterface
    public interface TestImages {

        /**
         * The first test images of a run.
         *
         * @param run the run
         * @param config the saved model's architecture
         * @param count how many images
         * @param manager where the returned array must live
         * @return images (count, C, S, S) normalised as the model's inputs
         * @throws IOException if the data cannot be read
         */
        NDArray first(SavedRun run, DeiTConfig config, int count, NDManager manager) throws IOException;
    }

    /**
     * What a report wrote.
     *
     * @param pictures every PNG, in index order
     * @param notes what could not be drawn and why, one line each
     * @param index the index file
     * @param page the HTML page
     */
    public record Written(List<Picture> pictures, List<String> notes, Path index, Path page) {}

    /** The HTML page's file name. */
    public static final String PAGE = "report.html";

    /**
     * Writes the pictures and the index.
     *
     * @param runs the runs, at least one
     * @param out the folder to write into, created if needed
     * @param overlayImages test images to draw for a token-selecting model, 0 for none
     * @param images where those images come from
     * @param device where saved models are loaded
     * @return the pictures and notes
     * @throws IOException if a file cannot be read or written
     */
    public static Written write(List<SavedRun> runs, Path out, int overlayImages, TestImages images, Device device)
            throws IOException {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("give at least one run folder");
        }
        Files.createDirectories(out);
        List<Picture> pictures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> used = new HashSet<>();
        List<Charts.RunPoint> points = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (SavedRun run : runs) {
            String name = unique(run.name(), used);
            names.add(name);
            writeRun(run, name, out.resolve(name), overlayImages, images, device, pictures, notes);
            if (Double.isFinite(run.testAccuracy()) && Double.isFinite(run.macs())) {
                points.add(new Charts.RunPoint(name + " (" + run.method() + ")", run.macs(), run.testAccuracy()));
            } else {
                notes.add(name + ": no report.json with accuracy and MACs, so it is not on the accuracy-versus-MACs chart");
            }
        }
        if (!points.isEmpty()) {
            Path png = out.resolve("accuracy-vs-macs.png");
            Charts.accuracyVsMacs(points, png);
            pictures.add(0, new Picture(png, null, "test accuracy against multiply-accumulates per image, one point per run"));
        }
        Path index = out.resolve("report.md");
        writeAtomically(index, index(runs, names, pictures, notes, out));
        Path page = out.resolve(PAGE);
        ReportPage.of(runs, names, pictures, notes, out).write(page);
        return new Written(List.copyOf(pictures), List.copyOf(notes), index, page);
    }

    private static void writeRun(
            SavedRun run, String name, Path dir, int overlayImages, TestImages images, Device device,
            List<Picture> pictures, List<String> notes) throws IOException {
        Files.createDirectories(dir);
        if (!run.epochs().isEmpty()) {
            Path png = dir.resolve("curves.png");
            Charts.trainingCurves(run.epochs().stream()
                    .map(e -> new Charts.EpochPoint(e.epoch(), e.trainLoss(), e.trainAccuracy(), e.testAccuracy()))
                    .toList(), png, name);
            pictures.add(new Picture(png, name, "training loss, training and test accuracy per epoch ("
                    + run.epochs().size() + " epochs)"));
        } else {
            notes.add(name + ": no metrics.json, so no training curves");
        }
        masks(run, name, dir, pictures, notes);
        RunTimeline timeline = timeline(run, name, notes);
        if (timeline != null) {
            for (TimelinePictures.Drawn d : TimelinePictures.engine(timeline, name, dir.resolve("timeline"))) {
                pictures.add(new Picture(d.file(), name, d.caption()));
            }
        }
        if (!run.hasModel()) {
            notes.add(name + ": no model/ folder, so no density bars, unit maps or token overlays");
            return;
        }
        try (Model model = load(run.model(), device)) {
            DeiT deit = (DeiT) model.getBlock();
            Map<String, Double> densities = LayerDensities.of(deit);
            Path bars = dir.resolve("density.png");
            Charts.densityBars(densities, bars, name);
            double total = densities.values().stream().mapToDouble(Double::doubleValue).average().orElse(1);
            pictures.add(new Picture(bars, name, String.format(Locale.ROOT,
                    "non-zero weights that reach the output per layer, over the dense layer's weights (mean %.2f)", total)));
            Path gated = run.gatedModel();
            if (gated == null) {
                units(deit, name, dir, pictures);
            } else {
                // a compacted model no longer knows where its units were; the gated one does
                try (Model gatedModel = load(gated, device)) {
                    units((DeiT) gatedModel.getBlock(), name, dir, pictures);
                }
            }
            if (deit.config().hasTokenSelection()) {
                overlays(run, deit, name, dir, overlayImages, images, model.getNDManager(), pictures, notes);
                if (timeline != null && timeline.tokens() != null && !timeline.tokens().snapshots().isEmpty()) {
                    tokenTimeline(run, deit.config(), timeline.tokens(), name, dir, images, model.getNDManager(),
                            pictures, notes);
                }
            }
        }
    }

    private static void masks(SavedRun run, String name, Path dir, List<Picture> pictures, List<String> notes)
            throws IOException {
        String[][] stages = {{"svite-init", "init", "at initialisation"}, {"svite", "final", "at the end"}};
        for (String[] stage : stages) {
            Path file = run.masks(stage[0]);
            if (file == null) {
                if ("svite".equals(run.method())) {
                    notes.add(name + ": no " + stage[0] + ".masks, so no mask pictures " + stage[2]);
                }
                continue;
            }
            SavedMasks masks = SavedMasks.read(file);
            for (SavedMasks.Tensor t : masks.masked()) {
                int rows = Math.toIntExact(t.shape().get(0));
                int cols = Math.toIntExact(t.size() / rows);
                boolean[] kept = t.kept();
                float[] values = new float[kept.length];
                for (int i = 0; i < kept.length; i++) {
                    values[i] = kept[i] ? 1f : 0f;
                }
                Path png = dir.resolve("masks").resolve(stage[1]).resolve(t.parameter() + ".png");
                int scale = MaskImages.scaleFor(rows, cols);
                boolean conv = t.shape().size() > 2;
                Figure.titled(t.parameter() + ": mask " + stage[2],
                                String.format(Locale.ROOT, "run %s (%s) · step %d · %,d of %,d weights kept (%.1f %%)", name,
                                        run.method(), masks.step(), t.active(), t.size(), 100 * t.density()))
                        .panel(new Figure.Panel(null, MaskImages.weightMaskImage(values, rows, cols, scale), rows, cols))
                        .axes(Figure.Axis.indices(conv ? "column: input channel × kernel position" : "column: input feature"),
                                Figure.Axis.indices("row: output unit"))
                        .legend(MaskImages.KEPT, "kept weight")
                        .legend(MaskImages.PRUNED, "pruned weight")
                        .write(png);
                pictures.add(new Picture(png, name, String.format(Locale.ROOT,
                        "%s mask %s, %d×%d, black = pruned: %,d of %,d weights kept (%.1f %%), step %d",
                        t.parameter(), stage[2], rows, cols, t.active(), t.size(), 100 * t.density(), masks.step())));
            }
        }
    }

    private static void units(DeiT deit, String name, Path dir, List<Picture> pictures) throws IOException {
        UnitMap heads = UnitMap.heads(deit);
        UnitMap neurons = UnitMap.neurons(deit);
        if (heads.closed() == 0 && neurons.closed() == 0) {
            return; // every head and neuron works: nothing to show
        }
        int blocks = heads.alive().length;
        Path headPng = dir.resolve("heads.png");
        unitFigure("Surviving attention heads", heads, HEAD_CELL, HEAD_CELL, "head", name, headPng);
        pictures.add(new Picture(headPng, name, String.format(Locale.ROOT,
                "surviving attention heads, %d blocks (rows) × %d heads, black = closed or removed: %d of %d heads work",
                blocks, heads.units(), blocks * heads.units() - heads.closed(), blocks * heads.units())));
        Path neuronPng = dir.resolve("neurons.png");
        int cell = Math.max(1, 1536 / neurons.units());
        unitFigure("Surviving MLP neurons", neurons, cell, NEURON_ROW, "MLP neuron", name, neuronPng);
        pictures.add(new Picture(neuronPng, name, String.format(Locale.ROOT,
                "surviving MLP neurons, %d blocks (rows) × %d neurons, black = closed or removed: %,d of %,d neurons work",
                blocks, neurons.units(), blocks * neurons.units() - neurons.closed(), blocks * neurons.units())));
    }

    private static void unitFigure(String title, UnitMap map, int cellWidth, int cellHeight, String unit, String run,
            Path png) throws IOException {
        int blocks = map.alive().length;
        long all = (long) blocks * map.units();
        Figure.titled(title, String.format(Locale.ROOT, "run %s · the final model · %,d of %,d work (%.1f %%)", run,
                        all - map.closed(), all, 100.0 * (all - map.closed()) / all))
                .panel(new Figure.Panel(null, MaskImages.unitMapImage(map.alive(), cellWidth, cellHeight), blocks,
                        map.units()))
                .axes(Figure.Axis.indices(unit + " index"), Figure.Axis.indices("block"))
                .legend(MaskImages.ALIVE, "works")
                .legend(MaskImages.PRUNED, "closed or removed")
                .write(png);
    }

    /** The run's timeline, or null with a note if it has none or it cannot be read. */
    private static RunTimeline timeline(SavedRun run, String name, List<String> notes) {
        try {
            RunTimeline t = run.timeline();
            if (t == null && !"dense".equals(run.method())) {
                notes.add(name + ": no " + RunTimeline.FILE + " (written by runs since the timeline was recorded), so no"
                        + " topology over time");
            }
            return t;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            notes.add(name + ": no topology over time, " + e.getMessage());
            return null;
        }
    }

    private static void tokenTimeline(SavedRun run, DeiTConfig c, RunTimeline.Tokens tokens, String name, Path dir,
            TestImages images, NDManager parent, List<Picture> pictures, List<String> notes) throws IOException {
        try (NDManager scope = parent.newSubManager()) {
            NDArray x;
            try {
                x = images.first(run, c, tokens.testImages(), scope);
            } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
                notes.add(name + ": no kept patches over training, the test images could not be read (" + e.getMessage() + ")");
                return;
            }
            if (x.getShape().get(0) < tokens.testImages()) {
                notes.add(name + ": no kept patches over training, the dataset has fewer than " + tokens.testImages()
                        + " test images");
                return;
            }
            TimelinePictures.Drawn d = TimelinePictures.tokens(tokens, x.toFloatArray(), c.channels(), c.imageSize(),
                    c.patchSize(), run.recipe().getOrDefault("dataset", "fashion-mnist"), name,
                    dir.resolve("timeline").resolve("tokens.png"));
            pictures.add(new Picture(d.file(), name, d.caption()));
        }
    }

    private static void overlays(
            SavedRun run, DeiT deit, String name, Path dir, int count, TestImages images, NDManager parent,
            List<Picture> pictures, List<String> notes) throws IOException {
        if (count <= 0) {
            return;
        }
        DeiTConfig c = deit.config();
        try (NDManager scope = parent.newSubManager()) {
            NDArray x;
            try {
                x = images.first(run, c, count, scope);
            } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
                notes.add(name + ": no token overlays, the test images could not be read (" + e.getMessage() + ")");
                return;
            }
            List<java.awt.image.BufferedImage> overlays = TokenOverlay.overlays(deit, x);
            int grey = TokenOverlay.GREY;
            for (int i = 0; i < overlays.size(); i++) {
                Path png = dir.resolve("tokens").resolve("tokens-" + i + ".png");
                int grid = c.imageSize() / c.patchSize();
                Figure.titled("Test image " + i + ": the patches the selector keeps",
                                String.format(Locale.ROOT, "run %s · the final model, evaluation mode · %d of %d patches kept",
                                        name, c.keptPatches(), c.patches()))
                        .panel(new Figure.Panel(null, overlays.get(i), grid, grid))
                        .axes(Figure.Axis.indices("patch column"), Figure.Axis.indices("patch row"))
                        .legend((grey << 16) | (grey << 8) | grey, "dropped patch (greyed)")
                        .write(png);
                pictures.add(new Picture(png, name, String.format(Locale.ROOT,
                        "test image %d with the %d of %d patches the selector keeps; dropped patches greyed", i,
                        c.keptPatches(), c.patches())));
            }
        }
    }

    private static Model load(Path folder, Device device) throws IOException {
        try {
            return DeiTFiles.load(folder, device);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the saved model in " + folder + " is incomplete: " + e.getFile()
                    + " is missing", e);
        } catch (ModelFileException e) {
            throw new IllegalArgumentException("cannot load the saved model: " + e.getMessage(), e);
        }
    }

    private static String index(List<SavedRun> runs, List<String> names, List<Picture> pictures, List<String> notes, Path out) {
        StringBuilder md = new StringBuilder("# svite report\n\nThe same on one page, every picture embedded: [" + PAGE + "]("
                + PAGE + ").\n\n");
        for (int i = 0; i < runs.size(); i++) {
            SavedRun r = runs.get(i);
            md.append(String.format(Locale.ROOT, "- **%s**: %s, %s%s (%s)%n", names.get(i), r.method(),
                    r.recipe().getOrDefault("model", "?"),
                    Double.isFinite(r.testAccuracy()) ? String.format(Locale.ROOT, ", %.2f %% test accuracy, %.2f M MACs",
                            100 * r.testAccuracy(), r.macs() / 1e6) : "",
                    r.dir()));
        }
        String section = "";
        for (Picture p : pictures) {
            String s = p.run() == null ? "All runs" : "Run " + p.run();
            if (!s.equals(section)) {
                md.append("\n## ").append(s).append("\n\n");
                section = s;
            }
            String rel = out.toAbsolutePath().relativize(p.file().toAbsolutePath()).toString().replace('\\', '/');
            md.append("- [").append(rel).append("](").append(rel).append("): ").append(p.caption()).append('\n');
        }
        if (!notes.isEmpty()) {
            md.append("\n## Not drawn\n\n");
            for (String n : notes) {
                md.append("- ").append(n).append('\n');
            }
        }
        return md.toString();
    }

    private static String unique(String name, Set<String> used) {
        String candidate = name;
        for (int i = 2; !used.add(candidate); i++) {
            candidate = name + "-" + i;
        }
        return candidate;
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
