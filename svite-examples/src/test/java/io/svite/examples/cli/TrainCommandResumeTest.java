package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.svite.core.checkpoint.CheckpointStore;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code svite train --resume}: a training process killed with SIGKILL while it writes a checkpoint
 * continues from the last complete one and ends exactly where the uninterrupted run ended; a damaged
 * newest checkpoint is refused and the previous one used.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainCommandResumeTest {

    /** SViTE with token selection and drop-path: masks, optimizer, selector and engine noise all matter. */
    private static final List<String> RECIPE =
            List.of("train", "--method", "svite", "--update-every", "2", "--tokens", "0.5", "--drop-path", "0.1",
                    "--dataset", "synthetic", "--epochs", "2", "--max-batches", "6", "--batch-size", "8",
                    "--seed", "11", "--checkpoint-every", "2", "--keep-checkpoints", "10");

    @TempDir Path dir;

    private Path reference;
    private JsonObject referenceReport;

    @BeforeAll
    void runUninterrupted() throws IOException {
        reference = Files.createTempDirectory("svite-reference");
        String[] r = TrainCommandTest.run(args(RECIPE, "--out", reference.toString(), "--json", "--quiet"));
        assertEquals("0", r[0], r[2]);
        referenceReport = JsonParser.parseString(r[1]).getAsJsonObject();
    }

    @AfterAll
    void removeReference() throws IOException {
        try (Stream<Path> walk = Files.walk(reference)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String[] args(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /** The same report and the same final files, bit for bit. */
    private void assertSameAsReference(JsonObject report, Path run) throws IOException {
        for (String key : new String[] {"testAccuracy", "params", "macs"}) {
            assertEquals(referenceReport.get(key).getAsDouble(), report.get(key).getAsDouble(), 0, key);
        }
        JsonArray a = referenceReport.getAsJsonArray("epochs");
        JsonArray b = report.getAsJsonArray("epochs");
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            for (String key : new String[] {"trainLoss", "trainAccuracy", "testAccuracy", "learningRate"}) {
                assertEquals(a.get(i).getAsJsonObject().get(key).getAsDouble(),
                        b.get(i).getAsJsonObject().get(key).getAsDouble(), 0, key + " of epoch " + (i + 1));
            }
        }
        assertEquals(referenceReport.getAsJsonObject("sparsity").get("updates").getAsLong(),
                report.getAsJsonObject("sparsity").get("updates").getAsLong());
        for (String f : new String[] {"model/deit-0000.params", "svite.masks"}) {
            assertArrayEquals(Files.readAllBytes(reference.resolve(f)), Files.readAllBytes(run.resolve(f)), f);
        }
    }

    private static List<String> entries(Path run) throws IOException {
        try (Stream<Path> s = Files.list(run.resolve(CheckpointStore.FOLDER))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A partial checkpoint folder that already holds the weights file. */
    private static Optional<Path> writingInProgress(Path run) throws IOException {
        Path checkpoints = run.resolve(CheckpointStore.FOLDER);
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.filter(p -> p.getFileName().toString().contains(".partial-"))
                    .filter(p -> Files.exists(p.resolve("weights.tensors")))
                    .findFirst();
        }
    }

    @Test
    void aProcessKilledWhileWritingACheckpointResumesToTheUninterruptedResult() throws Exception {
        Path run = dir.resolve("killed");
        Path log = dir.resolve("killed.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        for (String p : new String[] {"ai.djl.offline", "ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads",
                "disableProgressBar"}) {
            if (System.getProperty(p) != null) {
                command.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        // the checkpoint disk sleeps before each file, so the kill lands inside a write
        command.add(SlowCheckpoints.class.getName());
        command.addAll(RECIPE);
        command.addAll(List.of("--out", run.toString(), "--quiet"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path partial = null;
        try {
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (System.nanoTime() < deadline && process.isAlive()) {
                Optional<Path> writing = writingInProgress(run);
                if (writing.isPresent() && !CheckpointStore.in(run).list().isEmpty()) {
                    partial = writing.get();
                    break;
                }
                Thread.sleep(50);
            }
            if (partial == null) {
                fail("no checkpoint write was caught in progress; process alive: " + process.isAlive() + "\n"
                        + Files.readString(log));
            }
        } finally {
            process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
        }
        assertEquals(137, process.waitFor(), "killed by SIGKILL (128 + 9)");
        assertTrue(Files.isDirectory(partial), "the interrupted write is left as a partial folder");
        List<Path> complete = CheckpointStore.in(run).list();
        assertFalse(complete.isEmpty());
        long lastComplete = CheckpointStore.stepOf(complete.get(complete.size() - 1));
        for (Path c : complete) {
            CheckpointStore.in(run).verify(c); // every visible checkpoint is whole
        }
        assertFalse(Files.exists(run.resolve("model")), "the killed run never finished");

        String[] r = TrainCommandTest.run("train", "--resume", run.toString(), "--json", "--quiet");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("resuming from " + CheckpointStore.nameOf(lastComplete)), r[2]);
        assertSameAsReference(JsonParser.parseString(r[1]).getAsJsonObject(), run);
        assertTrue(entries(run).stream().noneMatch(n -> n.startsWith(".")), "the partial folder is gone: " + entries(run));
        assertEquals(Files.readString(reference.resolve("recipe.json")), Files.readString(run.resolve("recipe.json")));
    }

    @Test
    void aDamagedNewestCheckpointIsRefusedAndThePreviousOneUsed() throws Exception {
        Path run = dir.resolve("damaged");
        copyTree(reference, run);
        Files.delete(run.resolve("model/deit-0000.params"));
        Path newest = run.resolve(CheckpointStore.FOLDER).resolve(CheckpointStore.nameOf(12));
        Path weights = newest.resolve("weights.tensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // truncated, e.g. by a bad copy

        String[] r = TrainCommandTest.run("train", "--resume", run.toString(), "--json", "--quiet");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("checkpoint step-000000000012 is truncated or damaged: weights.tensors has "), r[2]);
        assertTrue(r[2].contains("using the previous good one, step-000000000010"), r[2]);
        assertTrue(r[2].contains("resuming from step-000000000010"), r[2]);
        assertSameAsReference(JsonParser.parseString(r[1]).getAsJsonObject(), run);
        assertTrue(entries(run).contains("refused-step-000000000012"), entries(run).toString());
    }

    @Test
    void resumeTakesItsRecipeFromTheFolderAndRefusesEverythingElse() throws Exception {
        String[] r = TrainCommandTest.run("train", "--resume", reference.toString(), "--lr", "0.1");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("svite: --lr cannot be given with --resume"), r[2]);

        r = TrainCommandTest.run("train", "--resume", dir.resolve("nowhere").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("is not a run folder to resume: it has no recipe.json (it does not exist)"), r[2]);

        r = TrainCommandTest.run("train", "--resume", reference.toString(), "--config", reference.resolve("recipe.json").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("do not give --config too"), r[2]);

        r = TrainCommandTest.run("train", "--resume", reference.toString(), "--out", dir.resolve("elsewhere").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("continues in its own folder"), r[2]);

        String recipe = Files.readString(reference.resolve("recipe.json"));
        r = TrainCommandTest.run(args(RECIPE, "--lr", "0.002", "--out", reference.toString(), "--quiet"));
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("already holds checkpoints of a run") && r[2].contains("--resume"), r[2]);
        assertEquals(recipe, Files.readString(reference.resolve("recipe.json")), "the earlier run's recipe is untouched");

        r = TrainCommandTest.run("train", "--dataset", "synthetic", "--checkpoint-every", "5");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--checkpoint-every needs a run folder"), r[2]);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path t = to.resolve(from.relativize(p).toString().replace(File.separatorChar, '/'));
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
