package io.svite.core.resume;

import io.svite.core.checkpoint.CheckpointException;
import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.checkpoint.StoredCheckpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Finds the checkpoint a run resumes from: the newest one of the store that verifies (sizes and
 * SHA-256 of every file), was written with the run's seed and random scheme, and that the caller
 * accepts.
 */
final class ResumeSearch {

    private ResumeSearch() {}

    /**
     * The newest usable checkpoint.
     *
     * @param store the run's checkpoints
     * @param seed the run's seed
     * @param accept the caller's test of a verified checkpoint
     * @return the checkpoint, or null if the store holds none
     * @throws IOException if the store cannot be listed
     * @throws IllegalStateException if it holds checkpoints but none is usable, with every reason
     */
    static StoredCheckpoint newestUsable(CheckpointStore store, long seed, Predicate<StoredCheckpoint> accept)
            throws IOException {
        store.removeLeftovers();
        List<Path> all = store.list();
        List<String> refused = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                StoredCheckpoint c = store.verify(all.get(i));
                String why = refusal(c, seed, accept);
                if (why == null) {
                    return c;
                }
                refused.add(c.name() + ": " + why);
            } catch (CheckpointException e) {
                refused.add(e.getMessage());
            }
        }
        if (!all.isEmpty()) {
            throw new IllegalStateException("no usable checkpoint in " + store.dir() + ": " + String.join("; ", refused));
        }
        return null;
    }

    private static String refusal(StoredCheckpoint c, long seed, Predicate<StoredCheckpoint> accept) {
        JsonObject m = c.manifest();
        JsonElement rng = m.get("rng");
        if (!m.has("seed") || m.get("seed").getAsLong() != seed || rng == null || rng.isJsonNull()
                || !CheckpointListener.RNG_SCHEME.equals(rng.getAsString())) {
            return "it was written with another seed or random-number scheme";
        }
        return accept.test(c) ? null : "it was written by another run";
    }
}
