package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.checkpoint.CheckpointStore;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@code svite train --ema}: the average's accuracy in every epoch, the report and the files, and exact resume. */
class EmaRunTest {

    private static final List<String> RECIPE = List.of("train", "--dataset", "synthetic", "--method", "svite",
            "--sparsity", "0.5", "--ema", "0.9", "--epochs", "2", "--max-batches", "4", "--batch-size", "8",
            "--seed", "5", "--checkpoint-every", "3", "--keep-checkpoints", "10", "--json", "--quiet");

    @TempDir Path dir;

    @Test
    void aSparseRunWithAnAverageReportsItsAccuracyAndResumesToTheSameAverage() throws Exception {
        Path whole = dir.resolve("whole");
        String[] r = run("--out", whole.toString());
        assertEquals("0", r[0], r[2]);
        JsonObject reference = JsonParser.parseString(r[1]).getAsJsonObject();
        JsonArray epochs = reference.getAsJsonArray("epochs");
        assertEquals(2, epochs.size());
        for (int i = 0; i < 2; i++) {
            double ema = epochs.get(i).getAsJsonObject().get("emaTestAccuracy").getAsDouble();
            assertTrue(ema >= 0 && ema <= 1, "epoch " + (i + 1) + ": " + ema);
        }
        assertEquals(epochs.get(1).getAsJsonObject().get("emaTestAccuracy").getAsDouble(),
                reference.get("emaTestAccuracy").getAsDouble(), 0);
        assertTrue(Files.readString(whole.resolve("metrics.csv")).lines().findFirst().orElseThrow()
                .endsWith(",ema_test_accuracy"));
        assertTrue(Files.readString(whole.resolve("report.txt")).contains("EMA test acc"));
        assertTrue(Files.readString(whole.resolve("recipe.json")).contains("\"ema\": 0.9"));

        // stopped after step 3 of 8: the average is part of the checkpoint, so the resumed run ends the same
        Path resumed = dir.resolve("resumed");
        AugmentedResumeTest.copy(whole, resumed);
        try (Stream<Path> s = Files.list(resumed.resolve(CheckpointStore.FOLDER))) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().equals(CheckpointStore.nameOf(3))) {
                    AugmentedResumeTest.delete(p);
                }
            }
        }
        try (Stream<Path> files = Files.walk(resumed.resolve(CheckpointStore.FOLDER).resolve(CheckpointStore.nameOf(3)))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().equals("ema.tensors")), "the checkpoint holds the average");
        }
        String[] again = TrainCommandTest.run("train", "--resume", resumed.toString(), "--json", "--quiet");
        assertEquals("0", again[0], again[2]);
        JsonArray after = JsonParser.parseString(again[1]).getAsJsonObject().getAsJsonArray("epochs");
        for (int i = 0; i < 2; i++) {
            assertEquals(epochs.get(i).getAsJsonObject().get("emaTestAccuracy").getAsDouble(),
                    after.get(i).getAsJsonObject().get("emaTestAccuracy").getAsDouble(), 0, "epoch " + (i + 1));
        }
    }

    @Test
    void withoutTheOptionNothingChanges() throws Exception {
        List<String> plain = new ArrayList<>(RECIPE);
        int at = plain.indexOf("--ema");
        plain.remove(at);
        plain.remove(at);
        plain.addAll(List.of("--out", dir.resolve("plain").toString()));
        String[] r = TrainCommandTest.run(plain.toArray(new String[0]));
        assertEquals("0", r[0], r[2]);
        JsonObject report = JsonParser.parseString(r[1]).getAsJsonObject();
        assertFalse(report.has("emaTestAccuracy"));
        assertFalse(report.getAsJsonArray("epochs").get(0).getAsJsonObject().has("emaTestAccuracy"));
        assertFalse(Files.readString(dir.resolve("plain/metrics.csv")).contains("ema"));
    }

    private static String[] run(String... more) {
        List<String> all = new ArrayList<>(RECIPE);
        all.addAll(List.of(more));
        return TrainCommandTest.run(all.toArray(new String[0]));
    }
}
