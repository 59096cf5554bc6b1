package io.svite.core.checkpoint;

import com.google.gson.JsonObject;

import java.nio.file.Path;

/**
 * A checkpoint on disk whose files were all verified against its manifest.
 *
 * @param dir the checkpoint's folder
 * @param step the training step it was written after (from its folder name and manifest)
 * @param manifest the manifest, as written by the training loop (plus the store's {@code files})
 */
public record StoredCheckpoint(Path dir, long step, JsonObject manifest) {

    /**
     * A file of the checkpoint.
     *
     * @param relative its path inside the checkpoint, {@code /}-separated
     * @return the path
     */
    public Path file(String relative) {
        return dir.resolve(relative);
    }

    /**
     * The checkpoint's folder name, for messages.
     *
     * @return e.g. {@code step-000000000120}
     */
    public String name() {
        return dir.getFileName().toString();
    }
}
