package io.svite.core.resume;

import io.svite.core.checkpoint.CheckpointException;
import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.checkpoint.Checkpointable;
import io.svite.core.checkpoint.NonFiniteValuesException;
import io.svite.core.checkpoint.StoredCheckpoint;
import io.svite.core.data.SeededSampler;
import io.svite.core.training.ArrayWait;
import io.svite.core.training.DecoratedTrainingConfig;
import io.svite.core.training.StepSeeds;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Checkpoints a training run and resumes it exactly, for any loop in EasyTrain's order ({@code
 * EasyTrain.fit} included): weights, gates, masks, optimizer moments, schedules, the random
 * generator and the data position.
 *
 * <pre>{@code
 * SeededSampler sampler = new SeededSampler(batch, true, seed);        // the training data's order
 * CheckpointListener checkpoints = CheckpointListener.builder()
 *         .folder(runDir).every(200).keep(3).seed(seed).sampler(sampler).build();
 * TrainingConfig config = checkpoints.configure(model, sparse.configure(base, steps), inputShape);
 * try (Trainer trainer = model.newTrainer(config)) {
 *     trainer.initialize(inputShape);
 *     EasyTrain.fit(trainer, checkpoints.remainingEpochs(epochs), train, test);
 * }
 * }</pre>
 *
 * <p><b>What is saved.</b> {@link TrainingState}: every parameter, the project optimizer's state
 * and every {@link Checkpointable} of the configuration (the sparsity engine, a token selector's
 * temperature); the manifest holds the {@link Position}, the seed and the state names. Checkpoints
 * go to {@code folder/checkpoints/step-N} through a {@link CheckpointStore}: written to a hidden
 * folder, hashed, synced and renamed, so a crash never leaves half a checkpoint.
 *
 * <p><b>When.</b> At the end of every epoch (after validation) and, with {@link Builder#every},
 * after every N-th step. DJL has no listener hook after {@code trainer.step()}, so the checkpoint
 * "after step N" is written in the next batch's {@code onTrainingBatch}, before any other listener
 * of that batch and before its step: the weights, moments and every state are then exactly those
 * after step N, and a resumed run repeats that batch.
 *
 * <p><b>Random numbers.</b> DJL cannot save the engine generator's state, so every step draws from
 * a seed that is a function of (seed, phase, step) ({@link StepSeeds}): the listener seeds the next
 * step after each batch and each epoch, and the first one when the model's arrays exist.
 *
 * <p><b>Resuming.</b> {@link #configure} looks for the newest checkpoint that verifies and belongs
 * to this run (seed, states, and what the caller's filter accepts); if there is one it stages the
 * states, loads the weights into the block (initialising it with the input shape first), loads the
 * optimizer state and positions the sampler. A folder that holds checkpoints of which none can be
 * used is an error that lists why each was refused.
 */
public final class CheckpointListener extends TrainingListenerAdapter {

    /** How the random generator is restored, recorded in manifests (field {@code rng}). */
    public static final String RNG_SCHEME = "engine reseeded every step from (seed, phase, step)";

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointListener.class);

    private final CheckpointStore store;
    private final long every;
    private final int keep;
    private final long seed;
    private final int phase;
    private final long globalStart;
    private final SeededSampler sampler;
    private final List<Checkpointable> extras;
    private final Supplier<JsonObject> manifest;
    private final Predicate<StoredCheckpoint> accept;
    private final Predicate<Path> spared;
    private final Runnable beforeWrite;
    private final Consumer<StoredCheckpoint> afterWrite;
    private final StoredCheckpoint explicitResume;
    private final boolean autoResume;

    private Model model;
    private TrainingState state;
    private Position position;
    private StoredCheckpoint resumedFrom;
    private long lastWritten = -1;
    private Path latest;
    private ArrayWait wait;

    private CheckpointListener(Builder b) {
        this.store = b.store;
        this.every = b.every;
        this.keep = b.keep;
        this.seed = b.seed;
        this.phase = b.phase;
        this.globalStart = b.globalStart;
        this.sampler = b.sampler;
        this.extras = List.copyOf(b.extras);
        this.manifest = b.manifest;
        this.accept = b.accept;
        this.spared = b.spared;
        this.beforeWrite = b.beforeWrite;
        this.afterWrite = b.afterWrite;
        this.explicitResume = b.resumeFrom;
        this.autoResume = b.autoResume;
    }

    /**
     * A new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Prepares a run: finds the checkpoint to resume from (if any) and restores everything that can
     * be restored before the trainer exists; returns the configuration to create the trainer from,
     * with this listener first.
     *
     * @param model the model to train
     * @param config its training configuration (decorated by the sparsity engine, if any)
     * @param inputShapes the input shapes to initialise the block with when resuming
     * @return the configuration to train with
     * @throws IOException if a checkpoint cannot be read
     * @throws IllegalStateException if checkpoints exist but none can be used, or this listener was
     *     configured before
     */
    public TrainingConfig configure(Model model, TrainingConfig config, Shape... inputShapes) throws IOException {
        if (this.model != null) {
            throw new IllegalStateException("this checkpoint listener already drives a run; build a new one");
        }
        this.model = model;
        this.state = TrainingState.of(model.getBlock(), config, extras.toArray(Checkpointable[]::new));
        StoredCheckpoint from = explicitResume != null ? explicitResume : autoResume && store != null ? newestUsable() : null;
        if (from == null) {
            position = Position.start(phase, globalStart, sampler == null ? 0 : sampler.nextEpoch());
            StepSeeds.apply(seed, phase, StepSeeds.INITIALISATION);
        } else {
            restore(from, inputShapes);
        }
        return new First(config, this);
    }

    private void restore(StoredCheckpoint from, Shape... inputShapes) throws IOException {
        Position at = Position.of(from.manifest());
        List<String> written = new ArrayList<>();
        JsonArray names = from.manifest().getAsJsonArray("states");
        if (names != null) {
            names.forEach(n -> written.add(n.getAsString()));
        }
        state.readStates(from, written);
        if (!model.getBlock().isInitialized()) {
            model.getBlock().initialize(model.getNDManager(), model.getDataType(), inputShapes);
        }
        state.loadWeights(from);
        state.loadOptimizer(from);
        if (sampler != null) {
            sampler.seek(at.samplerEpoch(), at.samplerSkip());
        }
        position = at;
        lastWritten = at.globalStep();
        resumedFrom = from;
        latest = from.dir();
        LOG.info("resuming from {} (phase {}, epoch {}, batch {}, step {})", from.name(), at.phase(),
                at.epochsDone() + 1, at.batchesDone(), at.step());
    }

    /** The newest checkpoint that verifies and is accepted; null if the folder holds none. */
    private StoredCheckpoint newestUsable() throws IOException {
        store.removeLeftovers();
        List<Path> all = store.list();
        List<String> refused = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                StoredCheckpoint c = store.verify(all.get(i));
                String why = belongs(c);
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

    private String belongs(StoredCheckpoint c) {
        JsonObject m = c.manifest();
        if (!m.has("seed") || m.get("seed").getAsLong() != seed || !RNG_SCHEME.equals(string(m.get("rng")))) {
            return "it was written with another seed or random-number scheme";
        }
        if (!accept.test(c)) {
            return "it was written by another run";
        }
        return null;
    }

    private static String string(JsonElement e) {
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    /**
     * Epochs still to train of a run of {@code epochs} epochs: all of them for a fresh run, the
     * interrupted one (if it was mid-epoch) and the ones after it for a resumed run.
     *
     * @param epochs the run's epochs
     * @return the epochs to pass to {@code EasyTrain.fit}
     */
    public int remainingEpochs(int epochs) {
        requireConfigured();
        return Math.max(0, epochs - position.epochsDone());
    }

    /**
     * Where the run stands.
     *
     * @return the position
     */
    public Position position() {
        requireConfigured();
        return position;
    }

    /**
     * The checkpoint the run resumed from.
     *
     * @return it, or null for a fresh run
     */
    public StoredCheckpoint resumedFrom() {
        return resumedFrom;
    }

    /**
     * The newest checkpoint written or resumed from.
     *
     * @return its folder, or null
     */
    public Path latest() {
        return latest;
    }

    /**
     * The state this listener saves and restores.
     *
     * @return the training state
     */
    public TrainingState state() {
        requireConfigured();
        return state;
    }

    private void requireConfigured() {
        if (position == null) {
            throw new IllegalStateException("configure(model, config, shapes) first");
        }
    }

    // ---------------------------------------------------------------- listener

    @Override
    public void onTrainingBegin(Trainer trainer) {
        requireConfigured();
        if (trainer.getModel() != model) {
            throw new IllegalStateException("the checkpoint listener was configured for another model");
        }
        wait = ArrayWait.start(model.getBlock(), () -> StepSeeds.apply(seed, phase, position.step()));
        if (wait.complete()) {
            StepSeeds.apply(seed, phase, position.step());
        }
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        long done = position.globalStep();
        if (store != null && every > 0 && position.step() > 0 && done % every == 0 && done != lastWritten) {
            write();
        }
        position = position.afterBatch(sampler == null ? position.samplerEpoch() : sampler.nextEpoch() - 1);
        StepSeeds.apply(seed, phase, position.step());
    }

    @Override
    public void onEpoch(Trainer trainer) {
        position = position.afterEpoch(sampler == null ? position.samplerEpoch() + 1 : sampler.nextEpoch());
        if (store != null && position.globalStep() != lastWritten) {
            write();
        }
        StepSeeds.apply(seed, phase, position.step());
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        if (wait != null) {
            wait.stop();
        }
    }

    /**
     * Writes a checkpoint of the run as it stands, then removes the old ones beyond {@code keep}
     * (sparing those the builder's filter names).
     *
     * @throws CheckpointWriteException if it cannot be written (nothing of it is then visible)
     */
    public void write() {
        beforeWrite.run();
        Position at = position;
        JsonObject m;
        try (CheckpointStore.Pending pending = store.begin(at.globalStep())) {
            state.write(pending);
            m = manifest.get().deepCopy();
            at.json().entrySet().forEach(e -> m.add(e.getKey(), e.getValue()));
            m.addProperty("seed", seed);
            m.addProperty("rng", RNG_SCHEME);
            JsonArray names = new JsonArray();
            state.stateNames().forEach(names::add);
            m.add("states", names);
            latest = pending.commit(m);
        } catch (IOException | NonFiniteValuesException e) {
            throw new CheckpointWriteException(at, latest, e);
        }
        lastWritten = at.globalStep();
        afterWrite.accept(new StoredCheckpoint(latest, at.globalStep(), m));
        try {
            List<Path> all = new ArrayList<>(store.list());
            all.removeIf(spared);
            for (int i = 0; i < all.size() - keep; i++) {
                store.remove(all.get(i));
            }
        } catch (IOException e) {
            LOG.warn("could not remove old checkpoints in {}: {}", store.dir(), e.getMessage());
        }
    }

    /** A configuration with this listener before every other one. */
    private static final class First extends DecoratedTrainingConfig {
        private final List<TrainingListener> listeners;

        First(TrainingConfig base, CheckpointListener listener) {
            super(base, base.getOptimizer(), List.of());
            List<TrainingListener> all = new ArrayList<>();
            all.add(listener);
            all.addAll(base.getTrainingListeners());
            this.listeners = List.copyOf(all);
        }

        @Override
        public List<TrainingListener> getTrainingListeners() {
            return listeners;
        }
    }

    /** Builds a {@link CheckpointListener}. */
    public static final class Builder {
        private CheckpointStore store;
        private long every;
        private int keep = 3;
        private long seed;
        private int phase;
        private long globalStart;
        private SeededSampler sampler;
        private final List<Checkpointable> extras = new ArrayList<>();
        private Supplier<JsonObject> manifest = JsonObject::new;
        private Predicate<StoredCheckpoint> accept = c -> true;
        private Predicate<Path> spared = p -> false;
        private Runnable beforeWrite = () -> {};
        private Consumer<StoredCheckpoint> afterWrite = p -> {};
        private StoredCheckpoint resumeFrom;
        private boolean autoResume = true;

        private Builder() {}

        /**
         * Checkpoints into {@code runDir/checkpoints}. Without a folder (or {@link #store}) the
         * listener only seeds every step, writes nothing and resumes nothing.
         *
         * @param runDir the run's folder
         * @return this builder
         */
        public Builder folder(Path runDir) {
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
        public Builder store(CheckpointStore store) {
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
        public Builder every(long steps) {
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
        public Builder keep(int count) {
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
        public Builder seed(long seed) {
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
        public Builder phase(int index, long stepsBefore) {
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
        public Builder sampler(SeededSampler sampler) {
            this.sampler = sampler;
            return this;
        }

        /**
         * Further state the caller keeps (e.g. a loop's accumulators), saved with the run's.
         *
         * @param state the state
         * @return this builder
         */
        public Builder state(Checkpointable state) {
            extras.add(state);
            return this;
        }

        /**
         * Further manifest fields, asked for at every write.
         *
         * @param fields the fields' supplier
         * @return this builder
         */
        public Builder manifest(Supplier<JsonObject> fields) {
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
        public Builder accept(Predicate<StoredCheckpoint> filter) {
            this.accept = filter;
            return this;
        }

        /**
         * Checkpoints the retention never removes (e.g. the ends of earlier phases).
         *
         * @param filter true for a checkpoint to keep
         * @return this builder
         */
        public Builder spare(Predicate<Path> filter) {
            this.spared = filter;
            return this;
        }

        /**
         * Runs before every write (e.g. a check that the loss is finite).
         *
         * @param check the check; an exception from it stops the write
         * @return this builder
         */
        public Builder beforeWrite(Runnable check) {
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
        public Builder afterWrite(Consumer<StoredCheckpoint> hook) {
            this.afterWrite = hook;
            return this;
        }

        /**
         * Resumes from this checkpoint instead of looking for the newest.
         *
         * @param checkpoint a verified checkpoint
         * @return this builder
         */
        public Builder resumeFrom(StoredCheckpoint checkpoint) {
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
        public Builder resume(boolean resume) {
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
}
