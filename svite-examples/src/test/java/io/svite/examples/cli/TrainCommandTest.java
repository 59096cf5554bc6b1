package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

class TrainCommandTest {

    @TempDir Path dir;

    /** Runs the command line with captured output. */
    static String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Svite.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new String[] {
            Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
        };
    }

    @Test
    void seedsTrainOnceEachIntoTheirOwnFolderAndPrintTheMeanAndSpreadOfTheirAccuracies() throws Exception {
        Path out = dir.resolve("seeds");
        String[] r =
                run("train", "--dataset", "synthetic", "--epochs", "1", "--max-batches", "2", "--batch-size", "16",
                        "--seed", "5", "--seeds", "2", "--out", out.toString(), "--json", "--quiet");
        assertEquals("0", r[0], r[2]);
        JsonObject summary = JsonParser.parseString(r[1]).getAsJsonObject();
        double a = summary.getAsJsonArray("seeds").get(0).getAsJsonObject().get("testAccuracy").getAsDouble();
        double b = summary.getAsJsonArray("seeds").get(1).getAsJsonObject().get("testAccuracy").getAsDouble();
        assertEquals((a + b) / 2, summary.get("testAccuracyMean").getAsDouble(), 1e-12);
        assertEquals(Math.abs(a - b) / Math.sqrt(2), summary.get("testAccuracyStd").getAsDouble(), 1e-12);
        for (int seed : new int[] {5, 6}) {
            Path run = out.resolve("seed-" + seed);
            JsonObject report = JsonParser.parseString(Files.readString(run.resolve("report.json"))).getAsJsonObject();
            assertEquals(seed == 5 ? a : b, report.get("testAccuracy").getAsDouble());
            JsonObject recipe = JsonParser.parseString(Files.readString(run.resolve("recipe.json"))).getAsJsonObject();
            assertEquals(seed, recipe.get("seed").getAsInt(), "each folder repeats its own seed with --config");
            assertTrue(!recipe.has("seeds"), recipe.toString());
        }
        String[] bad = run("train", "--dataset", "synthetic", "--seeds", "0", "--quiet");
        assertEquals("2", bad[0]);
        assertEquals("svite: --seeds must be >= 1, got 0", bad[2].strip());
    }

    @Test
    void trainsTwoBatchesAndWritesTheRunFolder() throws Exception {
        Path out = dir.resolve("run");
        String[] r =
                run("train", "--dataset", "synthetic", "--epochs", "1", "--max-batches", "2", "--batch-size", "16",
                        "--out", out.toString(), "--json", "--quiet");
        assertEquals("0", r[0], r[2]);
        JsonObject report = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals("deit-mini", report.get("model").getAsString());
        double accuracy = report.get("testAccuracy").getAsDouble();
        assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
        assertEquals(1, report.getAsJsonArray("epochs").size());
        assertTrue(Files.readString(out.resolve("report.txt")).contains("test accuracy"));
        assertEquals(2, Files.readAllLines(out.resolve("metrics.csv")).size());
        JsonObject saved = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
        assertEquals(accuracy, saved.get("testAccuracy").getAsDouble());
    }

    @Test
    void badOptionsGetOneClearLineAndExitCodeTwo() {
        String[] r = run("train", "--epochs", "0", "--dataset", "synthetic");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("svite: epochs must be >= 1, got 0"), r[2]);
        assertTrue(!r[2].contains("\tat "), "no stack trace: " + r[2]);

        r = run("train", "--model", "deit-huge");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("unknown model 'deit-huge'"), r[2]);

        r = run("train", "--epochs", "two");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("'two'"), r[2]);
    }

    @Test
    void anOutputPathThatIsAFileIsRefusedBeforeTraining() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        String[] r = run("train", "--dataset", "synthetic", "--out", file.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("is a file"), r[2]);
        assertEquals("x", Files.readString(file));
    }

    @Test
    void aMissingDataFolderSaysWhereItLooked() {
        String[] r = run("train", "--data", dir.resolve("absent").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("absent") && r[2].contains("dataset-fashion-mnist"), r[2]);
    }

    @Test
    void sviteTrainsSparselyAndReportsEveryLayersSparsityAndTheSavings() {
        String[] r =
                run("train", "--method", "svite", "--sparsity", "0.5", "--dataset", "synthetic", "--epochs", "1",
                        "--max-batches", "3", "--batch-size", "8", "--update-every", "1", "--json", "--quiet");
        assertEquals("0", r[0], r[2]);
        JsonObject report = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals("svite", report.get("method").getAsString());
        JsonObject sparsity = report.getAsJsonObject("sparsity");
        assertEquals(0.5, sparsity.get("sparsity").getAsDouble(), 1e-3);
        assertEquals(3, sparsity.get("step").getAsLong());
        assertEquals(1, sparsity.get("updates").getAsLong(), "every step until 80 % of 3 steps (step 2): one update");
        assertEquals(26, sparsity.getAsJsonArray("layers").size(), "patch embedding, 4 per block × 6, head");
        assertTrue(report.get("params").getAsLong() < report.get("denseParams").getAsLong());
        double saving = report.get("macsSaving").getAsDouble();
        assertTrue(saving > 0.3 && saving < 0.6, "MACs saving " + saving);
        assertEquals("erdos-renyi-kernel(0.5)",
                report.getAsJsonObject("methodSettings").get("distribution").getAsString());

        r = run("train", "--method", "svite", "--dataset", "synthetic", "--epochs", "1", "--max-batches", "2",
                "--batch-size", "8", "--quiet");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("block0_attn_qkv") && r[1].contains("sparsity        50.00 %"), r[1]);
        assertTrue(r[1].contains("MACs / image") && r[1].contains("saved"), r[1]);
    }

    @Test
    void tokensShortenTheSequenceAndTheRunFolderHoldsModelMasksRecipeAndMetrics() throws Exception {
        Path out = dir.resolve("tokens-run");
        String[] r =
                run("train", "--method", "svite", "--tokens", "0.5", "--dataset", "synthetic", "--epochs", "1",
                        "--max-batches", "2", "--batch-size", "8", "--out", out.toString(), "--json", "--quiet");
        assertEquals("0", r[0], r[2]);
        JsonObject report = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals(25, report.get("keptPatches").getAsInt(), "round(0.5 · 49) patches");
        assertEquals(49, report.get("patches").getAsInt());
        // the final model is evaluated again after training: same model, same batches, same accuracy
        JsonObject lastEpoch = report.getAsJsonArray("epochs").get(0).getAsJsonObject();
        assertEquals(lastEpoch.get("testAccuracy").getAsDouble(), report.get("testAccuracy").getAsDouble(), 1e-9);

        assertTrue(Files.readString(out.resolve("model").resolve("deit.json")).contains("\"ratio\": 0.5"));
        assertTrue(Files.size(out.resolve("svite.masks")) > 0);
        assertEquals(2, Files.readAllLines(out.resolve("metrics.csv")).size());
        assertEquals(1, JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonArray().size());
        JsonObject recipe = JsonParser.parseString(Files.readString(out.resolve("recipe.json"))).getAsJsonObject();
        assertEquals("0.5", recipe.get("tokens").getAsString());
        assertEquals("svite", recipe.get("method").getAsString());
        assertTrue(!recipe.has("out") && !recipe.has("json"), "where and how a run is shown is not its recipe");
    }

    @Test
    void theWrittenRecipeRepeatsARunExactly() throws Exception {
        Path first = dir.resolve("first");
        String[] a =
                run("train", "--method", "svite", "--dataset", "synthetic", "--epochs", "1", "--max-batches", "3",
                        "--batch-size", "8", "--update-every", "1", "--seed", "5", "--out", first.toString(), "--json",
                        "--quiet");
        assertEquals("0", a[0], a[2]);
        Path second = dir.resolve("second");
        String[] b = run("train", "--config", first.resolve("recipe.json").toString(), "--out", second.toString(),
                "--json", "--quiet");
        assertEquals("0", b[0], b[2]);
        JsonObject ra = JsonParser.parseString(a[1]).getAsJsonObject();
        JsonObject rb = JsonParser.parseString(b[1]).getAsJsonObject();
        for (String key : new String[] {"testAccuracy", "params", "macs"}) {
            assertEquals(ra.get(key).getAsDouble(), rb.get(key).getAsDouble(), 0, key);
        }
        assertEquals(ra.getAsJsonArray("epochs").get(0).getAsJsonObject().get("trainLoss").getAsDouble(),
                rb.getAsJsonArray("epochs").get(0).getAsJsonObject().get("trainLoss").getAsDouble(), 0);
        assertEquals(Files.readString(first.resolve("recipe.json")), Files.readString(second.resolve("recipe.json")));

        // a flag still overrides the file
        String[] c = run("train", "--config", first.resolve("recipe.json").toString(), "--seed", "6", "--json", "--quiet");
        assertEquals("0", c[0], c[2]);
        assertEquals(6, JsonParser.parseString(c[1]).getAsJsonObject().getAsJsonObject("recipe").get("seed").getAsLong());
    }

    @Test
    void tokenOptionsAreCheckedWithOneClearLine() {
        String[] r = run("train", "--tokens", "1.5", "--dataset", "synthetic");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("svite: ") && r[2].contains("1.5"), r[2]);
        r = run("train", "--tokens", "many", "--dataset", "synthetic");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("'many'"), r[2]);
        r = run("train", "--tau", "5", "--dataset", "synthetic");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--tau needs --tokens"), r[2]);
    }
}
