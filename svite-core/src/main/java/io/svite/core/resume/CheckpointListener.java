package io.svite.core.resume;

import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.checkpoint.Checkpointable;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

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
 * <p><b>When.</b> At the end of every epoch (after validation) and, with {@link CheckpointListenerBuilder#every},
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

    private final CheckpointWriter writer;
    private final long every;
    private final long seed;
    private final int phase;
    private final long globalStart;
    private final SeededSampler sampler;
    private final List<Checkpointable> extras;
    private final Predicate<StoredCheckpoint> accept;
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

    CheckpointListener(CheckpointListenerBuilder b) {
        this.writer = b.store == null ? null : new CheckpointWriter(b.store, b.keep, b.spared, b.manifest, b.seed);
        this.every = b.every;
        this.seed = b.seed;
        this.phase = b.phase;
        this.globalStart = b.globalStart;
        this.sampler = b.sampler;
        this.extras = List.copyOf(b.extras);
        this.accept = b.accept;
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
    public static CheckpointListenerBuilder builder() {
        return new CheckpointListenerBuilder();
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
        StoredCheckpoint from = explicitResume != null
                ? explicitResume
                : autoResume && writer != null ? ResumeSearch.newestUsable(writer.store(), seed, accept) : null;
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
        if (writer != null && every > 0 && position.step() > 0 && done % every == 0 && done != lastWritten) {
            write();
        }
        position = position.afterBatch(sampler == null ? position.samplerEpoch() : sampler.nextEpoch() - 1);
        StepSeeds.apply(seed, phase, position.step());
    }

    @Override
    public void onEpoch(Trainer trainer) {
        position = position.afterEpoch(sampler == null ? position.samplerEpoch() + 1 : sampler.nextEpoch());
        if (writer != null && position.globalStep() != lastWritten) {
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
        StoredCheckpoint written = writer.write(state, position, latest);
        latest = written.dir();
        lastWritten = position.globalStep();
        afterWrite.accept(written);
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
}
