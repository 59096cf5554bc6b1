package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A run with DeiT's augmentation (crops, RandAugment, erasing, Mixup/CutMix) resumes to the same result. */
class AugmentedResumeTest {

    private static final List<String> RECIPE = List.of("train", "--dataset", "synthetic", "--augment", "deit",
            "--epochs", "2", "--max-batches", "4", "--batch-size", "8", "--seed", "3", "--checkpoint-every", "3",
            "--keep-checkpoints", "10", "--json", "--quiet");

    @TempDir Path dir;

    private static String[] run(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return TrainCommandTest.run(all.toArray(new String[0]));
    }

    @Test
    void anAugmentedRunStoppedMidEpochResumesToTheUninterruptedResultAndAugmentationChangesTraining() throws Exception {
        Path whole = dir.resolve("whole");
        String[] r = run(RECIPE, "--out", whole.toString());
        assertEquals("0", r[0], r[2]);
        JsonObject reference = JsonParser.parseString(r[1]).getAsJsonObject();

        // the same run stopped after step 3 of 8 (in the first epoch): only that checkpoint is left
        Path resumed = dir.resolve("resumed");
        copy(whole, resumed);
        try (Stream<Path> s = Files.list(resumed.resolve(CheckpointStore.FOLDER))) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().equals(CheckpointStore.nameOf(3))) {
                    delete(p);
                }
            }
        }
        for (String f : new String[] {"model", "report.json", "report.txt"}) {
            delete(resumed.resolve(f));
        }
        String[] again = TrainCommandTest.run("train", "--resume", resumed.toString(), "--json", "--quiet");
        assertEquals("0", again[0], again[2]);
        JsonObject report = JsonParser.parseString(again[1]).getAsJsonObject();
        assertEquals(reference.get("testAccuracy").getAsDouble(), report.get("testAccuracy").getAsDouble(), 0);
        JsonArray a = reference.getAsJsonArray("epochs");
        JsonArray b = report.getAsJsonArray("epochs");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).getAsJsonObject().get("trainLoss").getAsDouble(),
                    b.get(i).getAsJsonObject().get("trainLoss").getAsDouble(), 0, "train loss of epoch " + (i + 1));
        }
        assertArrayEquals(Files.readAllBytes(whole.resolve("model/deit-0000.params")),
                Files.readAllBytes(resumed.resolve("model/deit-0000.params")));

        // without augmentation the same recipe trains on other inputs
        String[] plain = run(RECIPE.subList(0, 3), "--augment", "none", "--epochs", "2", "--max-batches", "4",
                "--batch-size", "8", "--seed", "3", "--json", "--quiet");
        assertEquals("0", plain[0], plain[2]);
        double plainLoss = JsonParser.parseString(plain[1]).getAsJsonObject().getAsJsonArray("epochs").get(0)
                .getAsJsonObject().get("trainLoss").getAsDouble();
        assertNotEquals(a.get(0).getAsJsonObject().get("trainLoss").getAsDouble(), plainLoss);
        assertTrue(Files.readString(whole.resolve("recipe.json")).contains("\"augment\": \"deit\""));
    }

    @Test
    void anUnknownPresetIsOneLineNamingItAndTheKnownOnes() {
        String[] r = TrainCommandTest.run("train", "--dataset", "synthetic", "--augment", "heavy", "--quiet");
        assertEquals("2", r[0]);
        assertEquals("svite: unknown augmentation preset 'heavy'; known: deit, cifar, none", r[2].strip());
    }

    /** Copies a run folder. */
    static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Deletes a file or folder, if it exists. */
    static void delete(Path p) throws Exception {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
