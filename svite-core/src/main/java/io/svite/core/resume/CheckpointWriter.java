package io.svite.core.resume;

import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.checkpoint.NonFiniteValuesException;
import io.svite.core.checkpoint.PendingCheckpoint;
import io.svite.core.checkpoint.StoredCheckpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Writes one checkpoint of a run — its {@link TrainingState}, and a manifest of the caller's
 * fields, the {@link Position}, the seed, the random scheme and the state names — then removes the
 * oldest checkpoints beyond {@code keep}, never those {@code spared} names.
 *
 * @param store where checkpoints go
 * @param keep how many of the newest to keep, at least 1
 * @param spared checkpoints the retention never removes
 * @param fields the caller's manifest fields, asked for at every write
 * @param seed the run's seed, recorded
 */
record CheckpointWriter(CheckpointStore store, int keep, Predicate<Path> spared, Supplier<JsonObject> fields, long seed) {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);

    /**
     * Writes a checkpoint and applies the retention.
     *
     * @param state what the checkpoint holds
     * @param at where the run stands
     * @param lastComplete the newest complete checkpoint before this one, for the error message
     * @return the checkpoint written
     * @throws CheckpointWriteException if it cannot be written (nothing of it is then visible)
     */
    StoredCheckpoint write(TrainingState state, Position at, Path lastComplete) {
        JsonObject m = fields.get().deepCopy();
        at.json().entrySet().forEach(e -> m.add(e.getKey(), e.getValue()));
        m.addProperty("seed", seed);
        m.addProperty("rng", CheckpointListener.RNG_SCHEME);
        JsonArray names = new JsonArray();
        state.stateNames().forEach(names::add);
        m.add("states", names);
        Path written;
        try (PendingCheckpoint pending = store.begin(at.globalStep())) {
            state.write(pending);
            written = pending.commit(m);
        } catch (IOException | NonFiniteValuesException e) {
            throw new CheckpointWriteException(at, lastComplete, e);
        }
        try {
            List<Path> all = new ArrayList<>(store.list());
            all.removeIf(spared);
            for (int i = 0; i < all.size() - keep; i++) {
                store.remove(all.get(i));
            }
        } catch (IOException e) {
            LOG.warn("could not remove old checkpoints in {}: {}", store.dir(), e.getMessage());
        }
        return new StoredCheckpoint(written, at.globalStep(), m);
    }
}
