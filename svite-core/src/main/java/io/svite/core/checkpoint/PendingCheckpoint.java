package io.svite.core.checkpoint;

import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A checkpoint being written by a {@link CheckpointStore}: its files go into a hidden folder until
 * {@link #commit} records their sizes and SHA-256 in the manifest, syncs everything and renames the
 * folder into place in one step; {@link #close} without a commit removes what was written.
 */
public final class PendingCheckpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PendingCheckpoint.class);


    private final CheckpointStore store;
    private final Storage storage;
    private final Path dir;
    private final long step;
    private final Path partial;
    private boolean committed;

    PendingCheckpoint(CheckpointStore store, Storage storage, Path dir, long step, Path partial) {
        this.store = store;
        this.storage = storage;
        this.dir = dir;
        this.step = step;
        this.partial = partial;
    }

    /**
     * The hidden folder the files go into.
     *
     * @return the partial folder
     */
    public Path dir() {
        return partial;
    }

    /**
     * Creates a file of the checkpoint.
     *
     * @param relative its name inside the checkpoint
     * @return a stream the caller closes
     * @throws IOException if it cannot be created
     */
    public OutputStream create(String relative) throws IOException {
        Path file = partial.resolve(relative);
        Files.createDirectories(file.getParent());
        return storage.create(file);
    }

    /**
     * Creates an empty folder for a state that writes its own files.
     *
     * @param relative its name inside the checkpoint
     * @return the folder
     * @throws IOException if it cannot be created
     */
    public Path folder(String relative) throws IOException {
        return Files.createDirectories(partial.resolve(relative));
    }

    /**
     * Finishes the checkpoint: records every file's size and SHA-256 in the manifest, writes
     * it, syncs everything and renames the folder into place.
     *
     * @param manifest the caller's manifest (must not have {@code files})
     * @return the checkpoint's final folder
     * @throws IOException if anything fails (the checkpoint is then not visible)
     */
    public Path commit(JsonObject manifest) throws IOException {
        JsonObject full = manifest.deepCopy();
        full.addProperty("format", CheckpointStore.FORMAT);
        full.addProperty("formatVersion", CheckpointStore.FORMAT_VERSION);
        full.addProperty("globalStep", step);
        JsonObject files = new JsonObject();
        List<Path> all;
        try (Stream<Path> walk = Files.walk(partial)) {
            all = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Map<String, JsonObject> sorted = new TreeMap<>();
        for (Path f : all) {
            JsonObject e = new JsonObject();
            e.addProperty("bytes", Files.size(f));
            e.addProperty("sha256", CheckpointStore.sha256(f));
            sorted.put(partial.relativize(f).toString().replace('\\', '/'), e);
        }
        sorted.forEach(files::add);
        full.add("files", files);
        byte[] bytes = (CheckpointStore.GSON.toJson(full) + "\n").getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = create(CheckpointStore.MANIFEST)) {
            out.write(bytes);
        }
        try (OutputStream out = storage.create(partial.resolve(CheckpointStore.MANIFEST_HASH))) {
            out.write((CheckpointStore.sha256(bytes) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        List<Path> folders;
        try (Stream<Path> walk = Files.walk(partial)) {
            folders = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
        }
        for (Path f : all) {
            storage.sync(f);
        }
        storage.sync(partial.resolve(CheckpointStore.MANIFEST));
        storage.sync(partial.resolve(CheckpointStore.MANIFEST_HASH));
        for (Path f : folders) {
            storage.sync(f);
        }
        Path target = dir.resolve(CheckpointStore.nameOf(step));
        if (Files.exists(target)) {
            store.remove(target);
        }
        storage.rename(partial, target);
        storage.sync(dir);
        committed = true;
        return target;
    }

    /** Abandons the checkpoint unless it was committed: its partial folder is deleted. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            CheckpointStore.deleteTree(partial);
        } catch (IOException e) {
            LOG.warn("could not remove the abandoned checkpoint folder {}: {}", partial, e.getMessage());
        }
    }
}
