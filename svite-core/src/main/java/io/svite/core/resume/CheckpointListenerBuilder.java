package io.svite.core.resume;

import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.checkpoint.Checkpointable;
import io.svite.core.checkpoint.StoredCheckpoint;
import io.svite.core.data.SeededSampler;

import com.google.gson.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Builds a {@link CheckpointListener}: where checkpoints go, when, how many, and the run's seed, phase and data. */
public final class CheckpointListenerBuilder {

    CheckpointStore store;
    long every;
    int keep = 3;
    long seed;
    int phase;
    long globalStart;
    SeededSampler sampler;
    final List<Checkpointable> extras = new ArrayList<>();
    Supplier<JsonObject> manifest = JsonObject::new;
    Predicate<StoredCheckpoint> accept = c -> true;
    Predicate<Path> spared = p -> false;
    Runnable beforeWrite = () -> {};
    Consumer<StoredCheckpoint> afterWrite = p -> {};
    StoredCheckpoint resumeFrom;
    boolean autoResume = true;

    CheckpointListenerBuilder() {}

    /**
     * Checkpoints into {@code runDir/checkpoints}. Without a folder (or {@link #store}) the
     * listener only seeds every step, writes nothing and resumes nothing.
     *
     * @param runDir the run's folder
     * @return this builder
     */
    public CheckpointListenerBuilder folder(Path runDir) {
        if (runDir == null) {
            throw new IllegalArgumentException("the run folder must not be null");
        }
        return store(CheckpointStore.in(runDir));
    }

    /**
     * Checkpoints into a given store.
     *
     * @param store the store
     * @return this builder
     */
    public CheckpointListenerBuilder store(CheckpointStore store) {
        if (store == null) {
            throw new IllegalArgumentException("the checkpoint store must not be null");
        }
        this.store = store;
        return this;
    }

    /**
     * Also checkpoints after every N-th step (default 0: at epoch ends only); needs a {@link #sampler}.
     *
     * @param steps N ≥ 0
     * @return this builder
     */
    public CheckpointListenerBuilder every(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("checkpoint interval must be >= 0 steps (0 = epoch ends only), got " + steps);
        }
        this.every = steps;
        return this;
    }

    /**
     * Keeps the newest K checkpoints (default 3).
     *
     * @param count K ≥ 1
     * @return this builder
     */
    public CheckpointListenerBuilder keep(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("checkpoints to keep must be >= 1, got " + count);
        }
        this.keep = count;
        return this;
    }

    /**
     * The run's seed: every step draws from a seed made of it, the phase and the step.
     *
     * @param seed any value
     * @return this builder
     */
    public CheckpointListenerBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * The phase of a multi-phase run and the steps done before it (default 0 and 0).
     *
     * @param index the phase, ≥ 0
     * @param stepsBefore steps of the earlier phases, ≥ 0
     * @return this builder
     */
    public CheckpointListenerBuilder phase(int index, long stepsBefore) {
        if (index < 0 || stepsBefore < 0) {
            throw new IllegalArgumentException("phase and steps before it must be >= 0, got " + index + ", " + stepsBefore);
        }
        this.phase = index;
        this.globalStart = stepsBefore;
        return this;
    }

    /**
     * The training data's sampler, whose position is saved and restored (required for exact
     * mid-epoch resume).
     *
     * @param sampler the sampler the training dataset draws from
     * @return this builder
     */
    public CheckpointListenerBuilder sampler(SeededSampler sampler) {
        this.sampler = sampler;
        return this;
    }

    /**
     * Further state the caller keeps (e.g. a loop's accumulators), saved with the run's.
     *
     * @param state the state
     * @return this builder
     */
    public CheckpointListenerBuilder state(Checkpointable state) {
        extras.add(state);
        return this;
    }

    /**
     * Further manifest fields, asked for at every write.
     *
     * @param fields the fields' supplier
     * @return this builder
     */
    public CheckpointListenerBuilder manifest(Supplier<JsonObject> fields) {
        this.manifest = fields;
        return this;
    }

    /**
     * Which checkpoints of the folder belong to this run when resuming (default: all that
     * verify and share the seed).
     *
     * @param filter true for a usable checkpoint
     * @return this builder
     */
    public CheckpointListenerBuilder accept(Predicate<StoredCheckpoint> filter) {
        this.accept = filter;
        return this;
    }

    /**
     * Checkpoints the retention never removes (e.g. the ends of earlier phases).
     *
     * @param filter true for a checkpoint to keep
     * @return this builder
     */
    public CheckpointListenerBuilder spare(Predicate<Path> filter) {
        this.spared = filter;
        return this;
    }

    /**
     * Runs before every write (e.g. a check that the loss is finite).
     *
     * @param check the check; an exception from it stops the write
     * @return this builder
     */
    public CheckpointListenerBuilder beforeWrite(Runnable check) {
        this.beforeWrite = check;
        return this;
    }

    /**
     * Runs after every write with the new checkpoint (its folder, step and manifest; e.g. to
     * remember a phase's end).
     *
     * @param hook the hook
     * @return this builder
     */
    public CheckpointListenerBuilder afterWrite(Consumer<StoredCheckpoint> hook) {
        this.afterWrite = hook;
        return this;
    }

    /**
     * Resumes from this checkpoint instead of looking for the newest.
     *
     * @param checkpoint a verified checkpoint
     * @return this builder
     */
    public CheckpointListenerBuilder resumeFrom(StoredCheckpoint checkpoint) {
        this.resumeFrom = checkpoint;
        return this;
    }

    /**
     * Whether {@code configure} resumes from the newest usable checkpoint of the folder
     * (default true; false starts fresh, e.g. for a phase the caller knows is new).
     *
     * @param resume whether to look
     * @return this builder
     */
    public CheckpointListenerBuilder resume(boolean resume) {
        this.autoResume = resume;
        return this;
    }

    /**
     * Builds the listener.
     *
     * @return the listener
     * @throws IllegalStateException if mid-epoch checkpoints are asked for without a folder or a
     *     sampler
     */
    public CheckpointListener build() {
        if (every > 0 && store == null) {
            throw new IllegalStateException("every(" + every + ") needs a checkpoint folder: call folder(runDir) too");
        }
        if (every > 0 && sampler == null) {
            throw new IllegalStateException(
                    "every(" + every + ") checkpoints mid-epoch, which a resumed run can only continue exactly"
                            + " from the data's position: call sampler(seededSampler) too");
        }
        return new CheckpointListener(this);
    }
}
