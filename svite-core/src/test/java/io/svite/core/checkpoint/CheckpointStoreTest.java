package io.svite.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.checkpoint.PendingCheckpoint;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Checkpoint folders appear whole or not at all, and damage is found before anything is read. */
class CheckpointStoreTest {

    @TempDir Path run;

    private static JsonObject manifest(long step) {
        JsonObject m = new JsonObject();
        m.addProperty("globalStep", step);
        m.addProperty("note", "test");
        return m;
    }

    /** Writes a checkpoint with a 1000-byte data file and a state folder. */
    private static Path write(CheckpointStore store, long step) throws IOException {
        try (PendingCheckpoint p = store.begin(step)) {
            try (OutputStream out = p.create("data.bin")) {
                out.write(new byte[1000]);
            }
            Files.writeString(p.folder("states/x").resolve("x.txt"), "state of step " + step);
            return p.commit(manifest(step));
        }
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(run.resolve(CheckpointStore.FOLDER))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aCommittedCheckpointListsAndVerifiesEveryFile() throws Exception {
        CheckpointStore store = CheckpointStore.in(run);
        Path ten = write(store, 10);
        write(store, 2);
        assertEquals("step-000000000010", ten.getFileName().toString());
        assertEquals(List.of(2L, 10L), store.list().stream().map(CheckpointStore::stepOf).toList());
        StoredCheckpoint c = store.verify(ten);
        assertEquals(10, c.step());
        assertEquals("test", c.manifest().get("note").getAsString());
        JsonObject files = c.manifest().getAsJsonObject("files");
        assertEquals(1000, files.getAsJsonObject("data.bin").get("bytes").getAsLong());
        assertTrue(files.has("states/x/x.txt"));
        assertEquals(CheckpointStore.FORMAT, c.manifest().get("format").getAsString());
    }

    @Test
    void anAbandonedOrInterruptedWriteIsNeverListedAndIsCleanedUp() throws Exception {
        CheckpointStore store = CheckpointStore.in(run);
        write(store, 1);
        try (PendingCheckpoint p = store.begin(2)) {
            try (OutputStream out = p.create("data.bin")) {
                out.write(1);
            }
        } // closed without commit: abandoned
        PendingCheckpoint killed = store.begin(3); // a process dies here: never closed
        Files.write(killed.dir().resolve("data.bin"), new byte[10]);
        assertEquals(List.of(1L), store.list().stream().map(CheckpointStore::stepOf).toList());
        assertEquals(2, names().size(), "step 1 and the partial folder of step 3");
        assertEquals(1, store.removeLeftovers());
        assertEquals(List.of("step-000000000001"), names());
    }

    @Test
    void damageIsRefusedWithAMessageThatNamesTheFile() throws Exception {
        CheckpointStore store = CheckpointStore.in(run);
        Path c = write(store, 5);
        Path data = c.resolve("data.bin");
        byte[] good = Files.readAllBytes(data);

        byte[] flipped = good.clone();
        flipped[500] ^= 1;
        Files.write(data, flipped);
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.verify(c));
        assertTrue(e.getMessage().contains("step-000000000005 is corrupt: data.bin"), e.getMessage());

        Files.write(data, java.util.Arrays.copyOf(good, 600));
        e = assertThrows(CheckpointException.class, () -> store.verify(c));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("data.bin has 600 bytes"), e.getMessage());

        Files.write(data, good);
        store.verify(c);
        Path manifest = c.resolve(CheckpointStore.MANIFEST);
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.replace("\"test\"", "\"TEST\""));
        e = assertThrows(CheckpointException.class, () -> store.verify(c));
        assertTrue(e.getMessage().contains("manifest.json does not match"), e.getMessage());

        Files.writeString(manifest, text);
        Files.delete(c.resolve("states/x/x.txt"));
        e = assertThrows(CheckpointException.class, () -> store.verify(c));
        assertTrue(e.getMessage().contains("incomplete: x.txt is missing"), e.getMessage());

        Files.delete(c.resolve(CheckpointStore.MANIFEST_HASH));
        e = assertThrows(CheckpointException.class, () -> store.verify(c));
        assertTrue(e.getMessage().contains("incomplete: manifest.sha256 is missing"), e.getMessage());
    }

    @Test
    void aFullDiskLeavesNoCheckpointAndThePreviousOneIntact() throws Exception {
        write(CheckpointStore.in(run), 4);
        CheckpointStore full = CheckpointStore.in(run, new FullDisk(700));
        FileSystemException e = assertThrows(FileSystemException.class, () -> write(full, 8));
        assertEquals("No space left on device", e.getReason());
        assertEquals(List.of("step-000000000004"), names(), "nothing half-written is left");
        full.verify(full.list().get(0));
        assertEquals("state of step 4",
                Files.readString(run.resolve("checkpoints/step-000000000004/states/x/x.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void removingRenamesFirstSoAnInterruptedRemovalIsNeverAHalfCheckpoint() throws Exception {
        CheckpointStore store = CheckpointStore.in(run);
        Path c = write(store, 3);
        write(store, 6);
        store.remove(c);
        assertEquals(List.of("step-000000000006"), names());
        assertFalse(Files.exists(c));
    }

    @Test
    void aNameThatIsNotACheckpointIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CheckpointStore.stepOf(Path.of("step-12")));
        assertEquals(12, CheckpointStore.stepOf(Path.of(CheckpointStore.nameOf(12))));
    }
}
