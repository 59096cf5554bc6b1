package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.examples.report.Chromium;
import io.svite.examples.report.ComparePage;
import io.svite.examples.report.HtmlPage;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;
import io.svite.models.methods.BudgetedMethod;
import io.svite.models.methods.Methods;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.methods.VtpMethod;
import io.svite.models.run.ComparisonTable;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

class CompareCommandTest {

    @TempDir Path dir;

    private static String[] compare(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("compare", "--dataset", "synthetic", "--batch-size", "8",
                "--max-batches", "2", "--quiet", "--out", out.toString()));
        args.addAll(List.of(extra));
        return TrainCommandTest.run(args.toArray(new String[0]));
    }

    /** The CSV's rows (after the header), split on commas outside quotes. */
    private static List<List<String>> csv(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file);
        assertEquals(ComparisonTable.CSV_HEADER, lines.get(0));
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> fields = new ArrayList<>();
            StringBuilder f = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '"') {
                    if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = !quoted;
                    }
                } else if (c == ',' && !quoted) {
                    fields.add(f.toString());
                    f.setLength(0);
                } else {
                    f.append(c);
                }
            }
            fields.add(f.toString());
            rows.add(fields);
        }
        return rows;
    }

    @Test
    void trainsEachMethodAtTheBudgetAndWritesTableCsvChartAndRunFolders() throws Exception {
        Path out = dir.resolve("cmp");
        String[] r = compare(out, "--methods", "dense,svite,ssp", "--budget", "0.5", "--epochs", "2", "--json");
        assertEquals("0", r[0], r[2]);
        JsonObject table = JsonParser.parseString(r[1]).getAsJsonObject();
        JsonArray rows = table.getAsJsonArray("rows");
        assertEquals(3, rows.size());

        List<List<String>> csv = csv(out.resolve("compare.csv"));
        assertEquals(3, csv.size());
        for (int i = 0; i < 3; i++) {
            List<String> row = csv.get(i);
            String method = row.get(0);
            assertEquals(List.of("dense", "svite", "ssp").get(i), method);
            assertEquals("ok", row.get(1), row.toString());
            // every CSV row holds what the method's own run folder reports
            JsonObject report = JsonParser.parseString(Files.readString(out.resolve(method).resolve("report.json")))
                    .getAsJsonObject();
            assertEquals(method, report.get("method").getAsString());
            assertEquals(report.get("params").getAsLong(), Long.parseLong(row.get(2)), method);
            assertEquals(report.get("denseParams").getAsLong(), Long.parseLong(row.get(3)), method);
            assertEquals(report.get("macs").getAsDouble(), Double.parseDouble(row.get(4)), 1e-6, method);
            assertEquals(report.get("macsSaving").getAsDouble(), Double.parseDouble(row.get(5)), 1e-12, method);
            assertEquals(report.get("testAccuracy").getAsDouble(), Double.parseDouble(row.get(6)), 1e-12, method);
            assertEquals(report.get("seconds").getAsDouble(), Double.parseDouble(row.get(7)), 1e-3, method);
            JsonObject recipe = JsonParser.parseString(Files.readString(out.resolve(method).resolve("recipe.json")))
                    .getAsJsonObject();
            assertEquals(method, recipe.get("method").getAsString());
            assertEquals(2, recipe.get("epochs").getAsInt(), "the same epochs for every method");
            assertEquals(rows.get(i).getAsJsonObject().get("params").getAsLong(), Long.parseLong(row.get(2)));
        }
        assertEquals("", csv.get(0).get(8), "dense runs at full size");
        assertEquals("--sparsity 0.5", csv.get(1).get(8));
        long dense = Long.parseLong(csv.get(0).get(2));
        assertTrue(Long.parseLong(csv.get(1).get(2)) < 0.7 * dense, "svite at sparsity 0.5: " + csv.get(1));
        // ssp at 2 of 3 heads and 160 of 384 neurons: the compacted model, about half the prunable parameters
        Methods.Structured s = Methods.structuredAt(DeiTConfig.mini(), 0.5);
        assertEquals("--heads " + s.headFraction() + " --neurons " + s.neuronFraction(), csv.get(2).get(8));
        for (BlockShape b : DeiTFiles.readConfig(out.resolve("ssp").resolve("model")).blocks()) {
            assertEquals(new BlockShape(2, 160), b);
        }
        assertTrue(Double.parseDouble(csv.get(2).get(5)) > 0.3, "ssp saves MACs: " + csv.get(2));

        String md = Files.readString(out.resolve("compare.md"));
        for (String m : List.of("dense", "svite", "ssp")) {
            assertTrue(md.contains("| " + m + " | ok | "), md);
        }
        assertTrue(md.contains("2 of 3 heads and 160 of 384 neurons per block"), md);
        assertTrue(md.contains("- svite: `--sparsity 0.5`") && md.contains("- dense: none (the full-size reference)")
                && md.contains("- ssp: `" + csv.get(2).get(8) + "`"), "every method's budget options: " + md);

        BufferedImage png = ImageIO.read(out.resolve("accuracy-vs-macs.png").toFile());
        assertNotNull(png, "a readable PNG");
        assertTrue(png.getWidth() >= 400 && png.getHeight() >= 300, png.getWidth() + "x" + png.getHeight());
        int dark = 0;
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                int rgb = png.getRGB(x, y);
                if (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff) < 384) {
                    dark++;
                }
            }
        }
        assertTrue(dark > 500, "the chart has axes, labels and markers: " + dark + " dark pixels");

        // the same table and chart on one self-contained page in the report's style
        String html = Files.readString(out.resolve(ComparePage.PAGE));
        assertTrue(html.contains("content=\"" + HtmlPage.POLICY + "\""), "loads nothing from outside");
        for (String m : List.of("dense", "svite", "ssp")) {
            assertTrue(html.contains("<tr><td>" + m + "</td><td>ok</td>"), m + ": " + html);
        }
        assertTrue(html.contains("--sparsity 0.5"), "the budget options");
        assertEquals(1, html.split("data:image/png;base64,", -1).length - 1, "the chart, embedded");
    }

    @Test
    void theComparePageRendersInChromiumWithItsChartAndFailures() throws Exception {
        Chromium.executable(); // skips this test, with how to install it, if there is no browser
        Path out = dir.resolve("page");
        String[] r = compare(out, "--methods", "omp,dense", "--epochs", "1");
        assertEquals("0", r[0], r[2]);
        Chromium.Result seen = Chromium.check(out.resolve(ComparePage.PAGE));
        assertEquals("svite compare", seen.title());
        assertEquals(1, seen.images(), "the accuracy-versus-MACs chart");
        assertEquals(List.of(), seen.broken(), "images that did not decode");
        assertEquals(1, seen.tables());
        assertTrue(seen.dom().contains("failed: ") && seen.dom().contains("needs --epochs 2 or more"),
                "the failed method and why");
    }

    @Test
    void aFailingMethodIsRecordedWithItsReasonAndTheOthersContinue() throws Exception {
        Path out = dir.resolve("fail");
        String[] r = compare(out, "--methods", "omp,dense", "--epochs", "1");
        assertEquals("0", r[0], r[2]);
        List<List<String>> csv = csv(out.resolve("compare.csv"));
        assertEquals("omp", csv.get(0).get(0));
        assertEquals("failed", csv.get(0).get(1));
        assertTrue(csv.get(0).get(9).contains("needs --epochs 2 or more"), csv.get(0).toString());
        assertEquals("", csv.get(0).get(2));
        assertEquals("dense", csv.get(1).get(0));
        assertEquals("ok", csv.get(1).get(1));
        assertTrue(Files.isRegularFile(out.resolve("dense").resolve("report.json")));
        String md = Files.readString(out.resolve("compare.md"));
        assertTrue(md.contains("| omp | failed: "), md);
        assertTrue(r[1].contains("| dense | ok | "), r[1]);
        assertNotNull(ImageIO.read(out.resolve("accuracy-vs-macs.png").toFile()));
    }

    @Test
    void unknownMethodsAndBudgetsOutsideTheOpenIntervalAreOneLineAndWriteNothing() {
        Path out = dir.resolve("none");
        String[][] cases = {
            {"--methods", "dense,nope", "unknown method 'nope' in --methods; known: " + String.join(", ", Methods.names())},
            {"--methods", "dense,,svite", "--methods has an empty entry"},
            {"--methods", "dense,dense", "--methods names dense twice"},
            {"--budget", "1", "--budget must be in (0, 1)"},
            {"--budget", "0", "--budget must be in (0, 1)"},
            {"--model", "deit-huge", "unknown model 'deit-huge'"},
        };
        for (String[] c : cases) {
            String[] r = compare(out, c[0], c[1]);
            assertEquals("2", r[0], String.join(" ", c) + ": " + r[2]);
            List<String> lines = r[2].lines().filter(l -> l.startsWith("svite:")).toList();
            assertEquals(1, lines.size(), r[2]);
            assertTrue(lines.get(0).startsWith("svite: " + c[2]), lines.get(0));
            assertEquals("", r[1]);
            assertFalse(Files.exists(out), "nothing written for " + String.join(" ", c));
        }
    }

    @Test
    void theStructuredBudgetKeepsAboutTheBudgetOfThePrunableParameters() {
        // deit-mini: width 96, 3 heads of 32, 384 neurons; a head costs 4·d·D + 3·d, a neuron 2·D + 1 per block
        int width = 96;
        int d = 32;
        double perHead = 4.0 * d * width + 3 * d;
        double perNeuron = 2.0 * width + 1;
        double prunable = 3 * perHead + 384 * perNeuron;
        for (double budget : new double[] {0.3, 0.5, 0.7}) {
            Methods.Structured s = Methods.structuredAt(DeiTConfig.mini(), budget);
            double kept = (s.heads() * perHead + s.neurons() * perNeuron) / prunable;
            assertEquals(kept, s.kept(), 1e-12, "the cost model's count agrees with the formula");
            assertTrue(Math.abs(kept - budget) <= perNeuron / prunable, budget + ": " + s);
            assertEquals((int) Math.floor(3 * s.headFraction() + 1e-9), s.heads(), "the fraction gives back the count");
            assertEquals((int) Math.floor(384 * s.neuronFraction() + 1e-9), s.neurons());
        }
        Methods.Structured small = Methods.structuredAt(DeiTConfig.preset("deit-small"), 0.5);
        assertEquals(3, small.heads());
        assertEquals(768, small.neurons());
        assertEquals(0.5, small.kept(), 1e-12);
        assertEquals(List.of("--sparsity", "0.5"), Methods.optionsAt("omp", 0.5, DeiTConfig.mini()));
        assertEquals(Methods.names(), TrainCommand.METHODS, "train and compare share one registry");
    }

    @Test
    void vitSlimAndVtpAreSetToTheSameNumberOfParametersAsTheOthers() {
        // deit-mini: 6 blocks; prunable = 6 · (3 heads · (4·32·96 + 3·32) + 384 · (2·96 + 1))
        DeiTConfig mini = DeiTConfig.mini();
        double prunable = 6 * (3 * (4.0 * 32 * 96 + 3 * 32) + 384 * (2.0 * 96 + 1));
        double all = CostModel.of(mini).dense().params();
        double target = all - 0.5 * prunable;
        List<String> slim = Methods.optionsAt("vit-slim", 0.5, mini);
        assertEquals("--slim-budget", slim.get(0));
        assertEquals(target / all, Double.parseDouble(slim.get(1)), 1e-12);

        List<String> vtp = Methods.optionsAt("vtp", 0.5, mini);
        assertEquals("--vtp-ratio", vtp.get(0));
        double ratio = Double.parseDouble(vtp.get(1));
        long params = CostModel.of(VtpMethod.compactedArchitecture(mini, ratio)).dense().params();
        // one input dimension of qkv and fc1 in every block: 6 · (3·96 + 4·96) parameters
        double step = 6 * (3 * 96 + 4 * 96);
        assertTrue(Math.abs(params - target) <= step / 2 + 1e-9, ratio + " gives " + params + ", target " + target);
    }

    @Test
    void theLibrarysRegistryBuildsTheMethodsTrainBuildsFromTheBudgetOptions() {
        DeiTConfig mini = DeiTConfig.mini();
        TrainRecipe d = TrainRecipe.defaults();
        TrainRecipe recipe = new TrainRecipe("deit-mini", "synthetic", null, 2, 8, 2, d.learningRate(),
                d.minLearningRate(), d.weightDecay(), d.warmupEpochs(), d.labelSmoothing(), -1, 7, null);
        for (double budget : new double[] {0.3, 0.5}) {
            for (String method : Methods.names()) {
                BudgetedMethod at = Methods.at(method, budget, mini, recipe);
                assertEquals(Methods.optionsAt(method, budget, mini), at.options());
                List<String> args = new ArrayList<>(List.of("--method", method, "--dataset", "synthetic", "--epochs", "2",
                        "--seed", "7"));
                args.addAll(at.options());
                TrainCommand train = new TrainCommand();
                new picocli.CommandLine(train).parseArgs(args.toArray(new String[0]));
                TrainingMethod parsed = train.method(recipe);
                assertEquals(parsed.name(), at.method().name(), method);
                assertEquals(parsed.settings(), at.method().settings(), method + " at " + budget);
                assertEquals(parsed.describe(), at.method().describe(), method + " at " + budget);
                assertEquals(parsed.architecture(mini), at.method().architecture(mini), method + " at " + budget);
            }
        }
    }
}
