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
                report.getAsJsonObject("recipe").getAsJsonObject("svite").get("distribution").getAsString());

        r = run("train", "--method", "svite", "--dataset", "synthetic", "--epochs", "1", "--max-batches", "2",
                "--batch-size", "8", "--quiet");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("block0_attn_qkv") && r[1].contains("sparsity        50.00 %"), r[1]);
        assertTrue(r[1].contains("MACs / image") && r[1].contains("saved"), r[1]);
    }
}
