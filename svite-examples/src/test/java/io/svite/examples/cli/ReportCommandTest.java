package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.checkpoint.SavedMasks;
import io.svite.examples.report.Figure;
import io.svite.examples.report.MaskImages;
import io.svite.models.compact.Compactor;
import io.svite.models.deit.DeiT;
import io.svite.models.io.DeiTFiles;
import io.svite.models.run.LayerDensities;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

class ReportCommandTest {

    @TempDir static Path dir;

    static Path svite;
    static Path dense;
    static Path gated;
    static Path structured;
    static Path out;
    static JsonObject written;

    /** Closed in the gated copy of the dense run: block → units. */
    static final Map<Integer, int[]> CLOSED_HEADS = Map.of(0, new int[] {1}, 2, new int[] {0, 2});
    static final Map<Integer, int[]> CLOSED_NEURONS = Map.of(1, range(0, 100), 5, new int[] {7});

    static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    @BeforeAll
    static void trainThreeRunsAndReport() throws Exception {
        svite = dir.resolve("svite");
        String[] r = TrainCommandTest.run("train", "--method", "svite", "--tokens", "0.5", "--dataset", "synthetic",
                "--epochs", "2", "--max-batches", "2", "--batch-size", "8", "--update-every", "1", "--seed", "5",
                "--out", svite.toString(), "--quiet");
        assertEquals("0", r[0], r[2]);
        dense = dir.resolve("dense");
        r = TrainCommandTest.run("train", "--dataset", "synthetic", "--epochs", "1", "--max-batches", "2",
                "--batch-size", "8", "--out", dense.toString(), "--quiet");
        assertEquals("0", r[0], r[2]);
        gated = dir.resolve("gated");
        copyTree(dense, gated);
        try (Model model = DeiTFiles.load(gated.resolve("model"), null)) {
            DeiT deit = (DeiT) model.getBlock();
            CLOSED_HEADS.forEach((b, units) -> close(deit.blocks().get(b).attention().headGate(), units));
            CLOSED_NEURONS.forEach((b, units) -> close(deit.blocks().get(b).mlp().neuronGate(), units));
            // a loaded block has no input names, which DJL's save needs; initialising it with the input
            // shape records them and keeps every loaded array
            deit.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
            DeiTFiles.save(model, gated.resolve("model"));
        }
        // a structured run's folder: the gated model in gated/, its compacted model in model/
        structured = dir.resolve("structured");
        copyTree(gated, structured);
        Files.move(structured.resolve("model"), structured.resolve("gated"));
        try (Model model = DeiTFiles.load(structured.resolve("gated"), null);
                Model small = Model.newInstance("deit")) {
            small.setBlock(Compactor.compact((DeiT) model.getBlock(), small.getNDManager()));
            DeiTFiles.save(small, structured.resolve("model"));
        }
        out = dir.resolve("pictures");
        r = TrainCommandTest.run("report", "--run", svite.toString(), "--run", dense.toString(), "--run",
                gated.toString(), "--run", structured.toString(), "--out", out.toString(), "--images", "3", "--json");
        assertEquals("0", r[0], r[2]);
        written = JsonParser.parseString(r[1]).getAsJsonObject();
    }

    static void close(Parameter gate, int[] units) {
        NDArray g = gate.getArray();
        try (NDManager scope = NDManager.subManagerOf(g)) {
            for (int u : units) {
                g.set(new NDIndex(u), 0f);
            }
        }
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void everyMaskHeatmapHasAsManyBlackPixelsAsItsMaskHasZeros() throws Exception {
        // the raster inside each labelled figure, pixel for pixel
        int checked = 0;
        for (String[] stage : new String[][] {{"svite-init", "init"}, {"svite", "final"}}) {
            SavedMasks masks = SavedMasks.read(svite.resolve(stage[0] + ".masks"));
            assertEquals(stage[1].equals("init") ? 0 : 4, masks.step());
            for (SavedMasks.Tensor t : masks.masked()) {
                Path png = out.resolve("svite/masks").resolve(stage[1]).resolve(t.parameter() + ".png");
                BufferedImage img = Figure.raster(png, 0);
                int rows = Math.toIntExact(t.shape().get(0));
                int cols = Math.toIntExact(t.size() / rows);
                int scale = img.getWidth() / cols;
                assertEquals(cols * scale, img.getWidth(), png.toString());
                assertEquals(rows * scale, img.getHeight(), png.toString());
                assertEquals(t.zeros() * scale * scale, MaskImages.countPixels(img, MaskImages.PRUNED), png.toString());
                assertTrue(t.zeros() > 0);
                checked++;
            }
        }
        assertEquals(2 * 24, checked, "qkv, proj, fc1, fc2 of 6 blocks, at initialisation and at the end");
    }

    @Test
    void theHeadAndNeuronMapsShowExactlyTheClosedGates() throws Exception {
        Path heads = out.resolve("gated/heads.png");
        BufferedImage h = Figure.raster(heads, 0);
        assertEquals(6, h.getHeight() / (h.getWidth() / 3), "6 blocks × 3 heads of square cells");
        long cell = (long) (h.getWidth() / 3) * (h.getHeight() / 6);
        long closedHeads = CLOSED_HEADS.values().stream().mapToLong(a -> a.length).sum();
        assertEquals(closedHeads * cell, MaskImages.countPixels(h, MaskImages.PRUNED));
        assertEquals((18 - closedHeads) * cell, MaskImages.countPixels(h, MaskImages.ALIVE));
        // block 0, head 1 is closed: the middle cell of the top row is black
        assertEquals(MaskImages.PRUNED, h.getRGB(h.getWidth() / 2, 1) & 0xFFFFFF);
        assertEquals(MaskImages.ALIVE, h.getRGB(1, 1) & 0xFFFFFF);

        Path neurons = out.resolve("gated/neurons.png");
        BufferedImage n = Figure.raster(neurons, 0);
        long neuronCell = (long) (n.getWidth() / 384) * (n.getHeight() / 6);
        long closedNeurons = CLOSED_NEURONS.values().stream().mapToLong(a -> a.length).sum();
        assertEquals(closedNeurons * neuronCell, MaskImages.countPixels(n, MaskImages.PRUNED));
        // the figure around the raster names its axes and colours: larger than the raster, with a legend
        BufferedImage whole = ImageIO.read(heads.toFile());
        assertTrue(whole.getWidth() > h.getWidth() && whole.getHeight() > h.getHeight() + 60);
        assertTrue(MaskImages.countPixels(whole, MaskImages.PRUNED) > MaskImages.countPixels(h, MaskImages.PRUNED),
                "the legend's black swatch");

        assertFalse(Files.exists(out.resolve("dense/heads.png")), "all gates open: no unit maps");
        assertFalse(Files.exists(out.resolve("svite/heads.png")));
    }

    @Test
    void aCompactedRunsUnitMapsShowWhereItsGatedModelClosedUnits() throws Exception {
        for (String map : new String[] {"heads.png", "neurons.png"}) {
            // the rasters; the figures around them differ in the run's name
            BufferedImage fromGates = Figure.raster(out.resolve("gated").resolve(map), 0);
            BufferedImage fromRun = Figure.raster(out.resolve("structured").resolve(map), 0);
            assertEquals(fromGates.getWidth(), fromRun.getWidth(), map);
            assertEquals(fromGates.getHeight(), fromRun.getHeight(), map);
            for (int y = 0; y < fromGates.getHeight(); y++) {
                for (int x = 0; x < fromGates.getWidth(); x++) {
                    assertEquals(fromGates.getRGB(x, y), fromRun.getRGB(x, y), map + " pixel " + x + "," + y);
                }
            }
        }
    }

    @Test
    void densityBarsAreTheSavedModelsDensitiesWhichForSviteAreItsReportedOnes() throws Exception {
        JsonObject report = JsonParser.parseString(Files.readString(svite.resolve("report.json"))).getAsJsonObject();
        Map<String, Double> densities;
        try (Model model = DeiTFiles.load(svite.resolve("model"), null)) {
            densities = LayerDensities.of((DeiT) model.getBlock());
        }
        int compared = 0;
        for (JsonElement e : report.getAsJsonObject("sparsity").getAsJsonArray("layers")) {
            JsonObject l = e.getAsJsonObject();
            double expected = l.get("nonZeros").getAsDouble() / l.get("size").getAsDouble();
            assertEquals(expected, densities.get(l.get("name").getAsString()), 1e-12, l.get("name").getAsString());
            compared++;
        }
        assertEquals(26, compared);
        assertEquals(densities.size(), compared, "every weight layer is one the engine reports");
        for (String run : List.of("svite", "dense", "gated")) {
            assertTrue(ImageIO.read(out.resolve(run).resolve("density.png").toFile()) != null, run);
            assertTrue(ImageIO.read(out.resolve(run).resolve("curves.png").toFile()) != null, run);
        }
    }

    @Test
    void tokenOverlaysOnlyForTheModelThatSelectsTokens() throws Exception {
        for (int i = 0; i < 3; i++) {
            BufferedImage img = Figure.raster(out.resolve("svite/tokens/tokens-" + i + ".png"), 0);
            assertEquals(224, img.getWidth(), "28 px × 8");
        }
        assertFalse(Files.exists(out.resolve("svite/tokens/tokens-3.png")), "--images 3");
        assertFalse(Files.exists(out.resolve("dense/tokens")));
    }

    @Test
    void theIndexListsEveryPictureOnceAndOnlyPicturesThatExist() throws Exception {
        assertTrue(Files.exists(out.resolve("accuracy-vs-macs.png")));
        String md = Files.readString(out.resolve("report.md"));
        List<String> links = md.lines().filter(l -> l.startsWith("- [")).map(l -> l.substring(3, l.indexOf(']')))
                .collect(Collectors.toList());
        List<String> pngs;
        try (Stream<Path> all = Files.walk(out)) {
            pngs = all.filter(p -> p.toString().endsWith(".png")).map(p -> out.relativize(p).toString()).sorted().toList();
        }
        assertEquals(pngs, links.stream().sorted().toList());
        assertEquals(pngs.size(), written.getAsJsonArray("pictures").size());
        assertEquals(2 * 24 + 3 + 4 * 2 + 2 * 2 + 1 + 4, pngs.size(),
                "masks at two stages, 3 overlays, curves and density per run, the gated and structured runs' two unit"
                        + " maps each, one chart, and the svite run's topology over time (weights changed, ever active,"
                        + " the exploration chart, kept patches per epoch)");
        assertTrue(Files.exists(out.resolve("report.html")));
        assertTrue(md.contains("block0_attn_qkv_weight mask at initialisation"), md);
        assertFalse(md.contains("## Not drawn"), "every run folder here has everything: " + md);
    }

    @Test
    void aRunFolderWithoutItsModelGetsWhatItHasAndANote() throws Exception {
        Path bare = Files.createDirectories(dir.resolve("bare"));
        for (String f : new String[] {"recipe.json", "metrics.json", "report.json"}) {
            Files.copy(dense.resolve(f), bare.resolve(f));
        }
        Path pictures = dir.resolve("bare-pictures");
        String[] r = TrainCommandTest.run("report", "--run", bare.toString(), "--out", pictures.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("wrote 2 pictures of 1 run(s)"), r[1]);
        assertTrue(r[1].contains("not drawn: bare: no model/ folder"), r[1]);
        assertTrue(Files.exists(pictures.resolve("bare/curves.png")));
        assertTrue(Files.exists(pictures.resolve("accuracy-vs-macs.png")));
        assertFalse(Files.exists(pictures.resolve("bare/density.png")));
        assertTrue(Files.readString(pictures.resolve("report.md")).contains("## Not drawn\n\n- bare: no model/ folder"));
    }

    @Test
    void mistakesAreOneLineWithExitCodeTwo() throws Exception {
        String[] r = TrainCommandTest.run("report", "--out", dir.resolve("x").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--run"), r[2]);
        r = TrainCommandTest.run("report", "--run", dir.resolve("absent").toString(), "--out", dir.resolve("x").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("svite: run folder ") && r[2].contains("does not exist"), r[2]);
        Path notARun = Files.createDirectories(dir.resolve("holiday-photos"));
        r = TrainCommandTest.run("report", "--run", notARun.toString(), "--out", dir.resolve("x").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("is not a run folder"), r[2]);
        Path file = Files.writeString(dir.resolve("file"), "x");
        r = TrainCommandTest.run("report", "--run", dense.toString(), "--out", file.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("is a file"), r[2]);
        r = TrainCommandTest.run("report", "--run", dense.toString(), "--out", dir.resolve("x").toString(), "--images", "-1");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--images must be >= 0, got -1"), r[2]);
        assertEquals(1, r[2].lines().count(), r[2]);
    }
}
