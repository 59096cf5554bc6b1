package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.report.Timeline;
import io.svite.examples.report.Chromium;
import io.svite.examples.report.Figure;
import io.svite.examples.report.HtmlPage;
import io.svite.examples.report.TimelinePictures;
import io.svite.models.run.RunTimeline;
import io.svite.models.run.SavedRun;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

/**
 * The report as a new user gets it from a dense, an SViTE (with tokens) and an S2ViTE run: the
 * topology-over-time pictures show what the runs recorded, and {@code report.html} renders in a
 * real headless browser (Debian's Chromium) with every image decoded — and a broken image is caught.
 */
class ReportPageTest {

    @TempDir static Path dir;

    static Path dense;
    static Path svite;
    static Path s2vite;
    static Path out;
    static JsonObject written;

    @BeforeAll
    static void trainThreeRunsAndReport() {
        dense = dir.resolve("dense");
        String[] r = TrainCommandTest.run("train", "--dataset", "synthetic", "--epochs", "1", "--max-batches", "2",
                "--batch-size", "8", "--out", dense.toString(), "--quiet");
        assertEquals("0", r[0], r[2]);
        svite = dir.resolve("svite");
        r = TrainCommandTest.run("train", "--method", "svite", "--tokens", "0.5", "--dataset", "synthetic", "--epochs", "2",
                "--max-batches", "3", "--batch-size", "8", "--update-every", "1", "--seed", "5", "--out", svite.toString(),
                "--quiet");
        assertEquals("0", r[0], r[2]);
        s2vite = dir.resolve("s2vite");
        r = TrainCommandTest.run("train", "--method", "s2vite", "--dataset", "synthetic", "--epochs", "2", "--max-batches",
                "3", "--batch-size", "8", "--update-every", "1", "--seed", "5", "--out", s2vite.toString(), "--quiet");
        assertEquals("0", r[0], r[2]);
        out = dir.resolve("report");
        r = TrainCommandTest.run("report", "--run", dense.toString(), "--run", svite.toString(), "--run",
                s2vite.toString(), "--out", out.toString(), "--images", "2", "--json");
        assertEquals("0", r[0], r[2]);
        written = JsonParser.parseString(r[1]).getAsJsonObject();
    }

    @Test
    void theHtmlPageRendersInChromiumWithEveryImageDecoded() throws Exception {
        Path page = out.resolve("report.html");
        assertEquals(page.toString(), written.get("page").getAsString());
        Chromium.Result seen = Chromium.check(page);
        int pictures = written.getAsJsonArray("pictures").size();
        assertEquals(pictures, seen.images(), "every picture of the report is on the page");
        assertEquals(List.of(), seen.broken(), "images that did not decode");
        assertEquals(pictures, seen.figures());
        assertTrue(seen.tables() >= 1, "the run table");
        assertEquals("svite report", seen.title());
        assertTrue(seen.height() > 2000, "the page has a body to scroll: " + seen.height());
        for (String run : List.of("dense", "svite", "s2vite")) {
            assertTrue(seen.dom().contains("id=\"run-" + run + "\""), "a section per run: " + run);
        }
    }

    @Test
    void aBrokenImageIsCaught() throws Exception {
        // the same page with the third image's PNG cut off inside its header (16 base64 characters: the
        // signature and 4 bytes), so the browser cannot even learn its size; a PNG cut after its header
        // is drawn partly by Chromium, which is why HtmlPage decodes every image before embedding it
        String html = Files.readString(out.resolve("report.html"));
        Matcher m = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)").matcher(html);
        for (int i = 0; i < 3; i++) {
            assertTrue(m.find(), "the page has at least three images");
        }
        String broken = html.substring(0, m.start(1) + 16) + html.substring(m.end(1));
        Path copy = Files.writeString(dir.resolve("broken.html"), broken);
        Chromium.Result seen = Chromium.check(copy);
        assertEquals(List.of(2), seen.broken(), "the cut image, and only it");
    }

    @Test
    void thePageLoadsNothingFromOutside() throws Exception {
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"" + HtmlPage.POLICY + "\">"));
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.contains("<link"), "no style sheets or fonts from files");
        Matcher src = Pattern.compile("(src|href)=\"([^\"]*)\"").matcher(html);
        int images = 0;
        while (src.find()) {
            assertTrue(src.group(2).startsWith("data:image/png;base64,"), "only embedded images: " + src.group(2));
            images++;
        }
        assertEquals(written.getAsJsonArray("pictures").size(), images);
        // the table says what each run is
        for (String s : List.of("<td>dense</td>", "<td>svite</td>", "<td>s2vite</td>", "25 of 49")) {
            assertTrue(html.contains(s), s);
        }
    }

    @Test
    void theHeadAndNeuronTimelinesShowTheRecordedActiveSetsUpdateByUpdate() throws Exception {
        RunTimeline timeline = SavedRun.read(s2vite).timeline();
        Timeline t = timeline.phases().get(0).timeline();
        assertTrue(t.updates().size() >= 3, "the start and at least two updates: " + t.updates().size());
        for (String family : List.of("heads", "neurons")) {
            Path png = out.resolve("s2vite/timeline/" + family + ".png");
            List<int[]> panels = Figure.panels(png);
            int panel = 0;
            for (int g = 0; g < t.groups().size(); g++) {
                if (!t.groups().get(g).family().equals(family)) {
                    continue;
                }
                BufferedImage raster = Figure.raster(png, panel++);
                int units = t.groups().get(g).units();
                int entries = t.updates().size();
                assertEquals(0, raster.getWidth() % entries);
                assertEquals(0, raster.getHeight() % units);
                int cw = raster.getWidth() / entries;
                int ch = raster.getHeight() / units;
                for (int e = 0; e < entries; e++) {
                    BitSet active = t.updates().get(e).units().get(g);
                    BitSet ever = t.everActiveUnits(g, e);
                    for (int u = 0; u < units; u++) {
                        int want = active.get(u) ? TimelinePictures.ACTIVE
                                : ever.get(u) ? TimelinePictures.EXPLORED : TimelinePictures.NEVER;
                        assertEquals(want, raster.getRGB(e * cw + cw / 2, u * ch + ch / 2) & 0xFFFFFF,
                                family + " group " + g + " entry " + e + " unit " + u);
                    }
                }
            }
            assertEquals(6, panels.size(), "one panel per block");
            BufferedImage whole = ImageIO.read(png.toFile());
            assertTrue(whole.getWidth() > panels.get(5)[0] + panels.get(5)[2], "labels around the panels");
        }
        assertTrue(Files.isRegularFile(out.resolve("s2vite/timeline/units-ever-active.png")));
        BitSet units = new BitSet();
        t.updates().forEach(u -> units.or(u.units().get(1)));
        assertTrue(t.updates().stream().skip(1).anyMatch(u -> !u.units().equals(t.updates().get(0).units())),
                "some unit moved, so the pictures show exploration");
    }

    @Test
    void theWeightTimelineHasOneRowPerMaskedLayerAndOneColumnPerUpdate() throws Exception {
        Timeline t = SavedRun.read(svite).timeline().phases().get(0).timeline();
        long masked = 0;
        for (int i = 0; i < t.tensors().size(); i++) {
            final int k = i;
            masked += t.updates().stream().anyMatch(u -> u.tensors().get(k).active() < t.tensors().get(k).size()) ? 1 : 0;
        }
        assertEquals(24, masked, "qkv, proj, fc1, fc2 of 6 blocks (ERK keeps the patch embedding and head dense)");
        BufferedImage changed = Figure.raster(out.resolve("svite/timeline/weights-changed.png"), 0);
        assertEquals(masked * TimelinePictures.LAYER_ROW, changed.getHeight(), "one row per masked layer");
        assertEquals(0, changed.getWidth() % (t.updates().size() - 1), "one column per update");
        BufferedImage ever = Figure.raster(out.resolve("svite/timeline/weights-ever-active.png"), 0);
        assertEquals(0, ever.getWidth() % t.updates().size(), "one column per entry, the start included");
        assertTrue(Files.isRegularFile(out.resolve("svite/timeline/weights-exploration.png")));
        // the ever-active fraction only grows, and the update replaced weights
        for (int i = 0; i < t.tensors().size(); i++) {
            for (int u = 1; u < t.updates().size(); u++) {
                assertTrue(t.updates().get(u).tensors().get(i).everActive() >= t.updates().get(u - 1).tensors().get(i)
                        .everActive());
            }
        }
    }

    @Test
    void theKeptPatchesAreDrawnForEveryImageAtEverySnapshot() throws Exception {
        RunTimeline.Tokens tokens = SavedRun.read(svite).timeline().tokens();
        assertEquals(3, tokens.snapshots().size(), "the start and two epoch ends");
        Path png = out.resolve("svite/timeline/tokens.png");
        List<int[]> panels = Figure.panels(png);
        assertEquals(tokens.testImages() * tokens.snapshots().size(), panels.size());
        BufferedImage first = Figure.raster(png, 0);
        assertEquals(112, first.getWidth(), "28 px × 4");
    }

    @Test
    void everyPictureIsLabelledAndTheIndexAndPageListEveryOne() throws Exception {
        Set<String> listed = new HashSet<>();
        for (JsonElement e : written.getAsJsonArray("pictures")) {
            listed.add(out.relativize(Path.of(e.getAsJsonObject().get("file").getAsString())).toString());
        }
        List<String> pngs;
        try (Stream<Path> all = Files.walk(out)) {
            pngs = all.filter(p -> p.toString().endsWith(".png")).map(p -> out.relativize(p).toString()).sorted().toList();
        }
        assertEquals(new HashSet<>(pngs), listed);
        String md = Files.readString(out.resolve("report.md"));
        for (String png : pngs) {
            assertTrue(md.contains("[" + png + "](" + png + ")"), png);
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertTrue(img.getWidth() >= 400, png + " is readable at its size: " + img.getWidth());
            if (!png.endsWith("curves.png") && !png.endsWith("density.png") && !png.endsWith("accuracy-vs-macs.png")
                    && !png.endsWith("ever-active.png") && !png.endsWith("exploration.png")) {
                // a raster inside a labelled figure: the figure is larger than its rasters
                int[] r = Figure.panels(out.resolve(png)).get(0);
                assertTrue(r[0] > 0 && r[1] > 30, png + " has a title above and labels left of its raster");
            }
        }
        for (String timeline : List.of("s2vite/timeline/heads.png", "s2vite/timeline/neurons.png",
                "svite/timeline/weights-changed.png", "svite/timeline/weights-ever-active.png", "svite/timeline/tokens.png")) {
            assertTrue(pngs.contains(timeline), timeline);
        }
        assertFalse(md.contains("dense: no timeline"), "a dense run records no topology and needs no note");
        assertTrue(md.contains("[report.html](report.html)"), "the index points at the page");
    }

    @Test
    void chromiumTakesAScreenshotOfThePage() throws Exception {
        Path shot = dir.resolve("screenshot.png");
        Chromium.screenshot(out.resolve("report.html"), shot, 1280, 900);
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(1280, img.getWidth());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colours.add(img.getRGB(x, y) & 0xFFFFFF);
            }
        }
        assertTrue(colours.size() > 50, "the page rendered text, a table and charts: " + colours.size() + " colours");
    }
}
