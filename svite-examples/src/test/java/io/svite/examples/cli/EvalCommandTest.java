package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

class EvalCommandTest {

    @TempDir static Path dir;

    static Path run;

    @BeforeAll
    static void trainOnce() {
        run = dir.resolve("run");
        String[] r = TrainCommandTest.run("train", "--method", "svite", "--tokens", "0.5", "--dataset", "synthetic",
                "--epochs", "1", "--max-batches", "2", "--batch-size", "16", "--seed", "11", "--out", run.toString(),
                "--quiet");
        assertEquals("0", r[0], r[2]);
    }

    private static double reported() throws Exception {
        return JsonParser.parseString(Files.readString(run.resolve("report.json"))).getAsJsonObject()
                .get("testAccuracy").getAsDouble();
    }

    @Test
    void aRunFoldersModelReproducesItsReportedAccuracyOnTheRunsOwnBatches() throws Exception {
        String[] r = TrainCommandTest.run("eval", "--run", run.toString(), "--json", "--quiet");
        assertEquals("0", r[0], r[2]);
        JsonObject o = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals(reported(), o.get("testAccuracy").getAsDouble(), 0.0);
        assertEquals(reported(), o.get("reportedAccuracy").getAsDouble(), 0.0);
        assertTrue(o.get("reproduced").getAsBoolean());
        assertEquals(2, o.get("batches").getAsLong(), "the recipe's --max-batches 2");
        assertEquals(32, o.get("images").getAsLong(), "two batches of the recipe's 16");
        assertEquals("synthetic", o.get("dataset").getAsString());

        r = TrainCommandTest.run("eval", "--run", run.toString(), "--quiet");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("reproduced exactly") && r[1].contains("32 test images in 2 batches of 16"), r[1]);
    }

    @Test
    void flagsOverrideTheRecipeAndABareModelFolderNeedsTheDataOptions() throws Exception {
        String[] r = TrainCommandTest.run("eval", "--run", run.toString(), "--max-batches", "3", "--batch-size", "8",
                "--json", "--quiet");
        assertEquals("0", r[0], r[2]);
        JsonObject o = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals(24, o.get("images").getAsLong());

        r = TrainCommandTest.run("eval", "--model", run.resolve("model").toString(), "--dataset", "synthetic", "--seed",
                "11", "--batch-size", "16", "--max-batches", "2", "--json", "--quiet");
        assertEquals("0", r[0], r[2]);
        o = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals(reported(), o.get("testAccuracy").getAsDouble(), 0.0);
        assertTrue(!o.has("reproduced"), "a bare model has no report to compare with");
    }

    @Test
    void aMissingOrCorruptModelIsOneClearLine() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.copy(run.resolve("recipe.json"), empty.resolve("recipe.json"));
        String[] r = TrainCommandTest.run("eval", "--run", empty.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("svite: no saved model in ") && r[2].contains("--out"), r[2]);
        assertEquals(1, r[2].lines().count(), r[2]);

        Path broken = Files.createDirectories(dir.resolve("broken/model"));
        for (String f : new String[] {"deit.json", "deit-0000.params"}) {
            Files.copy(run.resolve("model").resolve(f), broken.resolve(f));
        }
        byte[] weights = Files.readAllBytes(broken.resolve("deit-0000.params"));
        Files.write(broken.resolve("deit-0000.params"), Arrays.copyOf(weights, weights.length / 2));
        r = TrainCommandTest.run("eval", "--model", broken.toString(), "--dataset", "synthetic");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("svite: cannot load the saved model: ") && r[2].contains("truncated"), r[2]);
        assertEquals(1, r[2].lines().count(), r[2]);

        r = TrainCommandTest.run("eval");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("exactly one of --run DIR"), r[2]);
        r = TrainCommandTest.run("eval", "--run", dir.resolve("absent").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("absent") && r[2].contains("does not exist"), r[2]);
        r = TrainCommandTest.run("eval", "--run", run.toString(), "--dataset", "mnist-ish");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("unknown dataset 'mnist-ish'"), r[2]);
        r = TrainCommandTest.run("eval", "--run", run.toString(), "--batch-size", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--batch-size must be >= 1, got 0"), r[2]);
    }
}
