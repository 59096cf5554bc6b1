package io.svite.examples.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;
import ai.djl.translate.TranslateException;

import io.svite.core.training.Checkpointable;
import io.svite.core.training.LabelSmoothingLoss;
import io.svite.core.training.Optimizers;
import io.svite.core.training.StatefulOptimizer;
import io.svite.examples.checkpoint.CheckpointStore;
import io.svite.examples.checkpoint.NonFiniteValuesException;
import io.svite.examples.data.ImageData;
import io.svite.examples.data.InputSpec;
import io.svite.examples.data.SeededSampler;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.tokens.TemperatureListener;

import com.google.gson.JsonParser;

import io.svite.models.io.DeiTFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What a {@link TrainingMethod} works with: the recipe, the data, the device, and the shared training
 * loop, run phase by phase.
 *
 * <p>{@link #train} follows {@link EasyTrain}'s order (forward, backward, {@code onTrainingBatch}
 * listeners, {@code trainer.step()}, and {@code onEpoch} after the test pass), so any DJL listener
 * or optimizer decorator behaves as under {@code EasyTrain.fit}. Every phase trains with the
 * label-smoothed loss and the project's AdamW (decoupled weight decay on weights only, as DeiT:
 * none on biases, norms, class token, position embedding or gates), with linear warm-up then
 * cosine decay over the phase. Losses and accuracies are summed on the device and read back only
 * when shown. Models made with {@link #newModel} are closed with the context.
 *
 * <p><b>Reliability.</b> Before every step the engine's random generator is reseeded from (seed,
 * phase, step) ({@link StepSeeds}). The training loss is checked for NaN and infinity on the device
 * and read back every {@value #DIVERGENCE_CHECK_EVERY} steps, at every checkpoint and at the end of
 * every epoch; a bad loss stops the run with a {@link TrainingDivergedException} naming the step.
 * With a run folder a checkpoint is written every {@link CheckpointPolicy#everySteps()} steps and
 * at the end of every epoch (weights, optimizer state, data position, accumulators, and every
 * {@link Checkpointable} the phase's configuration or listeners are); a resumed run restores each
 * phase from it and continues bit for bit (see {@code docs/reliability.md}).
 */
public final class MethodContext implements AutoCloseable {

    /** Steps between two read-backs of the divergence flag (it is also read at checkpoints and epoch ends). */
    static final long DIVERGENCE_CHECK_EVERY = 50;

    private static final Logger LOG = LoggerFactory.getLogger(MethodContext.class);

    private final TrainRecipe recipe;
    private final ImageData data;
    private final Device device;
    private final DeiTConfig architecture;
    private final InputSpec input;
    private final RandomAccessDataset train;
    private final RandomAccessDataset test;
    private final long batchesPerEpoch;
    private final ProgressPrinter progress;
    private final Consumer<List<EpochMetrics>> afterEpoch;
    private final List<Model> models = new ArrayList<>();
    private final List<EpochMetrics> history = new ArrayList<>();
    private final List<Integer> historyPhases = new ArrayList<>();
    private final SeededSampler sampler;
    private final RunCheckpoints checkpoints;
    private int phasesStarted;
    private long globalStep;

    MethodContext(
            TrainRecipe recipe,
            ImageData data,
            Device device,
            DeiTConfig architecture,
            PrintStream progressOut,
            Consumer<List<EpochMetrics>> afterEpoch,
            RunCheckpoints checkpoints) {
        this.recipe = recipe;
        this.checkpoints = checkpoints;
        this.data = data;
        this.device = device;
        this.architecture = architecture;
        this.input = new InputSpec(architecture.imageSize(), architecture.channels());
        this.sampler = new SeededSampler(recipe.batchSize(), true, recipe.seed());
        this.train = data.train(input, sampler);
        this.test = data.test(input, recipe.batchSize());
        long all = (train.size() + recipe.batchSize() - 1) / recipe.batchSize();
        this.batchesPerEpoch = recipe.maxBatches() > 0 ? Math.min(all, recipe.maxBatches()) : all;
        this.progress = ProgressPrinter.to(progressOut);
        this.afterEpoch = afterEpoch == null ? h -> {} : afterEpoch;
    }

    /**
     * The recipe of the run.
     *
     * @return the recipe
     */
    public TrainRecipe recipe() {
        return recipe;
    }

    /**
     * The dataset.
     *
     * @return the data
     */
    public ImageData data() {
        return data;
    }

    /**
     * The device everything trains on.
     *
     * @return the device
     */
    public Device device() {
        return device;
    }

    /**
     * The architecture the method asked for (after {@link TrainingMethod#architecture}).
     *
     * @return the configuration
     */
    public DeiTConfig architecture() {
        return architecture;
    }

    /**
     * Optimizer steps in one epoch (fewer with {@code --max-batches}).
     *
     * @return steps per epoch
     */
    public long batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /**
     * The shape of one input image batch of size 1, for initialising a model.
     *
     * @return (1, C, S, S)
     */
    public Shape inputShape() {
        return new Shape(1, architecture.channels(), architecture.imageSize(), architecture.imageSize());
    }

    /**
     * The training split, batched and in the run's seeded order.
     *
     * @return the training dataset
     */
    public RandomAccessDataset trainSet() {
        return train;
    }

    /**
     * Every epoch trained so far, across phases.
     *
     * @return the metrics, in order
     */
    public List<EpochMetrics> history() {
        return Collections.unmodifiableList(history);
    }

    /**
     * Builds an uninitialised DeiT of the given architecture on the run's device; it is closed when
     * the run ends.
     *
     * @param config the architecture
     * @return the model
     */
    public Model newModel(DeiTConfig config) {
        Model model = Model.newInstance("deit", device);
        model.setBlock(DeiT.of(config));
        models.add(model);
        return model;
    }

    /**
     * Registers a model made elsewhere (e.g. by compaction) so that it is closed when the run ends.
     *
     * @param model the model
     * @return the same model
     */
    public Model adopt(Model model) {
        models.add(model);
        return model;
    }

    /**
     * Trains a model for one phase and evaluates it on the test split after every epoch.
     *
     * <p>When the run resumes, a phase that had finished before the checkpoint is restored to its
     * end (weights, optimizer, its states) without training, so the method continues from the same
     * model; the phase the checkpoint was written in continues from the checkpoint's step.
     *
     * @param model the model; initialised here if it is not yet
     * @param phase the phase
     * @return the phase's epochs
     * @throws TrainingDivergedException if the loss or the weights become NaN or infinite
     * @throws UncheckedIOException if a checkpoint cannot be written or read
     */
    public List<EpochMetrics> train(Model model, TrainingPhase phase) {
        int phaseIndex = phasesStarted++;
        long steps = phase.epochs() * batchesPerEpoch;
        DeiT deit = (DeiT) model.getBlock();
        RunCheckpoints.Restore restore = restoreFor(phaseIndex);
        RunManifest at = restore == null ? null : restore.manifest();
        if (at != null) {
            restore.checkPhase(phase, batchesPerEpoch);
            restoreHistory(at);
            globalStep = at.globalStep();
        }
        Tracker learningRate = learningRate(phase.epochs());
        List<EpochMetrics> epochs = new ArrayList<>();
        try (DeviceAccumulator trainAcc = new DeviceAccumulator(device);
                DeviceAccumulator testAcc = new DeviceAccumulator(device)) {
            StatefulOptimizer optimizer =
                    Optimizers.adamW()
                            .learningRate(learningRate)
                            .weightDecay((float) recipe.weightDecay())
                            .decayWeightsOnly(model.getBlock())
                            .build();
            DefaultTrainingConfig base =
                    new DefaultTrainingConfig(new LabelSmoothingLoss((float) recipe.labelSmoothing()))
                            .optOptimizer(optimizer)
                            .optDevices(new Device[] {device})
                            .addTrainingListeners(accumulating(trainAcc));
            if (deit.config().tokenSelection() != null) {
                base.addTrainingListeners(
                        at == null ? TemperatureListener.of(steps) : TemperatureListener.resumingAt(steps, at.phaseStep()));
            }
            TrainingConfig config = phase.decorator().decorate(base, model.getBlock(), steps);
            PhaseRun run = new PhaseRun(phaseIndex, phase, model, optimizer, checkpointables(config));
            run.start = globalStep - (at == null ? 0 : at.phaseStep());
            run.step = at == null ? 0 : at.phaseStep();
            if (at != null) {
                restore.readStates(run.states);
                if (!model.getBlock().isInitialized()) {
                    model.getBlock().initialize(model.getNDManager(), model.getDataType(), inputShape());
                }
                restore.loadWeights(model.getBlock(), deit.config());
            }
            StepSeeds.apply(recipe.seed(), phaseIndex, StepSeeds.INITIALISATION);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(inputShape());
                int firstEpoch = 1;
                long firstBatch = 0;
                if (at != null) {
                    restore.loadOptimizer(optimizer, model.getBlock());
                    trainAcc.restore(at.accumulator());
                    sampler.seek(at.samplerEpoch(), at.samplerSkip());
                    firstEpoch = at.epochsDone() + 1;
                    firstBatch = at.batchesDone();
                    for (int i = 0; i < history.size(); i++) {
                        if (historyPhases.get(i) == phaseIndex) {
                            epochs.add(history.get(i));
                        }
                    }
                    LOG.info("phase '{}' continues from checkpoint {} at step {} of {}", phase.name(), restore.name(),
                            at.phaseStep(), steps);
                }
                for (int e = firstEpoch; e <= phase.epochs(); e++) {
                    long epochStart = System.nanoTime();
                    trainEpoch(trainer, trainAcc, run, e, e == firstEpoch ? firstBatch : 0);
                    checkFinite(trainAcc, run, e);
                    evaluate(trainer, testAcc);
                    trainer.notifyListeners(listener -> listener.onEpoch(trainer));
                    double seconds = (System.nanoTime() - epochStart) / 1e9;
                    EpochMetrics m =
                            new EpochMetrics(
                                    history.size() + 1,
                                    phase.name(),
                                    trainAcc.meanLoss(),
                                    trainAcc.accuracy(),
                                    testAcc.accuracy(),
                                    learningRate.getNewValue(Math.toIntExact(e * batchesPerEpoch)),
                                    seconds);
                    epochs.add(m);
                    history.add(m);
                    historyPhases.add(phaseIndex);
                    progress.endLine(
                            String.format(
                                    Locale.ROOT,
                                    "%sepoch %d/%d  loss %.4f  train acc %.2f%%  test acc %.2f%%  (%s)",
                                    label(phase),
                                    e,
                                    phase.epochs(),
                                    m.trainLoss(),
                                    100 * m.trainAccuracy(),
                                    100 * m.testAccuracy(),
                                    ProgressPrinter.formatDuration(seconds)));
                    trainAcc.reset();
                    testAcc.reset();
                    afterEpoch.accept(history());
                    if (checkpoints != null) {
                        save(run, trainAcc, e, 0, sampler.nextEpoch(), 0);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot resume phase '" + phase.name() + "' from its checkpoint: " + e.getMessage(), e);
        }
        StepSeeds.apply(recipe.seed(), phaseIndex, StepSeeds.AFTER_PHASE);
        return epochs;
    }

    private RunCheckpoints.Restore restoreFor(int phaseIndex) {
        if (checkpoints == null) {
            return null;
        }
        try {
            return checkpoints.restoreFor(phaseIndex);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint of phase " + phaseIndex + ": " + e.getMessage(), e);
        }
    }

    private void restoreHistory(RunManifest at) {
        history.clear();
        historyPhases.clear();
        for (RunManifest.PhaseEpoch pe : at.history()) {
            history.add(pe.metrics());
            historyPhases.add(pe.phaseIndex());
        }
    }

    /** The phase's configuration, its listeners and its optimizer, where they carry their own state. */
    static List<Checkpointable> checkpointables(TrainingConfig config) {
        List<Checkpointable> out = new ArrayList<>();
        List<Object> parts = new ArrayList<>();
        parts.add(config);
        parts.add(config.getOptimizer());
        parts.addAll(config.getTrainingListeners());
        for (Object part : parts) {
            if (part instanceof Checkpointable && out.stream().noneMatch(c -> c == part)) {
                out.add((Checkpointable) part);
            }
        }
        RunCheckpoints.names(out);
        return out;
    }

    /**
     * Reads the device-side divergence flag and stops the run if a loss since the epoch began was
     * NaN or infinite.
     */
    private void checkFinite(DeviceAccumulator acc, PhaseRun run, int epoch) {
        long finite = acc.finiteBatches();
        if (finite >= acc.batches()) {
            return;
        }
        long badStep = run.start + (epoch - 1) * batchesPerEpoch + finite + 1;
        throw diverged(
                String.format(
                        Locale.ROOT,
                        "training diverged: the training loss became NaN or infinite at step %d (phase '%s', epoch %d,"
                                + " batch %d); the run stopped at step %d",
                        badStep,
                        run.phase.name(),
                        epoch,
                        finite + 1,
                        globalStep),
                badStep);
    }

    private TrainingDivergedException diverged(String what, long badStep) {
        Path last = checkpoints == null ? null : checkpoints.latest();
        String where;
        if (checkpoints == null) {
            where = "no checkpoint was kept (train with --out DIR to keep checkpoints)";
        } else if (last == null) {
            where = "no checkpoint had been written yet";
        } else {
            where = "the last good checkpoint is kept: " + last + " (step " + CheckpointStore.stepOf(last) + ")";
        }
        return new TrainingDivergedException(what + "; " + where + ". A lower learning rate or more warm-up usually helps.",
                badStep, last);
    }

    private void save(PhaseRun run, DeviceAccumulator acc, int epochsDone, long batchesDone, int samplerEpoch, long samplerSkip) {
        if (run.optimizer.step() != run.step && !run.warnedOptimizer) {
            run.warnedOptimizer = true;
            LOG.warn("phase '{}' does not train with the shared optimizer (it took {} of {} steps); checkpoints carry"
                    + " only the optimizers that are Checkpointable, so resuming it is not exact", run.phase.name(),
                    run.optimizer.step(), run.step);
        }
        List<RunManifest.PhaseEpoch> done = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            done.add(new RunManifest.PhaseEpoch(historyPhases.get(i), history.get(i)));
        }
        RunManifest manifest =
                new RunManifest(
                        run.index,
                        run.phase.name(),
                        run.phase.epochs(),
                        run.step,
                        epochsDone,
                        batchesDone,
                        samplerEpoch,
                        samplerSkip,
                        batchesPerEpoch,
                        globalStep,
                        recipe.seed(),
                        RunManifest.RNG_SCHEME,
                        checkpoints.runArchitecture(),
                        JsonParser.parseString(DeiTFiles.toJson(((DeiT) run.model.getBlock()).config())),
                        checkpoints.recipe(),
                        acc.snapshot(),
                        done,
                        RunCheckpoints.names(run.states));
        try {
            Path written = checkpoints.save(manifest, run.model.getBlock(), run.optimizer, run.states);
            LOG.debug("checkpoint {} written", written);
        } catch (NonFiniteValuesException e) {
            throw diverged(
                    "training diverged: " + e.tensor() + " held NaN or infinite values after step " + globalStep
                            + " though every training loss so far was finite",
                    globalStep);
        } catch (IOException e) {
            Path last = checkpoints.latest();
            throw new UncheckedIOException(
                    "cannot write the checkpoint after step " + globalStep + " into " + checkpoints.dir() + ": "
                            + e.getMessage() + (last == null ? "" : "; the last complete checkpoint is " + last)
                            + "; make room and resume with 'svite train --resume " + checkpoints.runDir() + "'",
                    e);
        }
    }

    /** One phase in progress: what a checkpoint of it needs. */
    private static final class PhaseRun {
        final int index;
        final TrainingPhase phase;
        final Model model;
        final StatefulOptimizer optimizer;
        final List<Checkpointable> states;
        /** Steps done across phases when the phase began. */
        long start;
        /** Steps done in this phase. */
        long step;
        boolean warnedOptimizer;

        PhaseRun(int index, TrainingPhase phase, Model model, StatefulOptimizer optimizer, List<Checkpointable> states) {
            this.index = index;
            this.phase = phase;
            this.model = model;
            this.optimizer = optimizer;
            this.states = states;
        }
    }

    /**
     * The test accuracy of a model as it is now, in evaluation mode (deterministic token selection,
     * no drop-path), over the same test batches as the per-epoch evaluation.
     *
     * @param model an initialised model
     * @return accuracy in [0, 1]
     */
    public double evaluate(Model model) {
        return Evaluation.run(model, test, recipe.batchSize(), recipe.maxBatches(), device, null).accuracy();
    }

    private String label(TrainingPhase phase) {
        return phase.name().equals("train") ? "" : phase.name() + " ";
    }

    private Tracker learningRate(int epochs) {
        int total = Math.toIntExact(epochs * batchesPerEpoch);
        double warmupEpochs = Math.min(recipe.warmupEpochs(), epochs / 2.0);
        int warmup = (int) Math.round(warmupEpochs * batchesPerEpoch);
        float base = (float) recipe.learningRate();
        float floor = (float) Math.min(recipe.minLearningRate(), recipe.learningRate() * 0.999);
        Tracker cosine =
                CosineTracker.builder().setBaseValue(base).optFinalValue(floor).setMaxUpdates(Math.max(1, total - warmup)).build();
        if (warmup == 0) {
            return cosine;
        }
        return WarmUpTracker.builder().setMainTracker(cosine).optWarmUpSteps(warmup).optWarmUpBeginValue(0f).build();
    }

    private void trainEpoch(Trainer trainer, DeviceAccumulator acc, PhaseRun run, int epoch, long firstBatch) {
        long done = firstBatch;
        long epochStart = System.nanoTime();
        int samplerEpoch = sampler.nextEpoch();
        for (Batch batch : iterate(trainer)) {
            StepSeeds.apply(recipe.seed(), run.index, run.step);
            try (batch) {
                EasyTrain.trainBatch(trainer, batch);
                trainer.step();
            }
            done++;
            run.step++;
            globalStep++;
            boolean last = done >= batchesPerEpoch;
            if (progress.due() || last) {
                double elapsed = (System.nanoTime() - epochStart) / 1e9;
                double eta = elapsed / (done - firstBatch)
                        * (batchesPerEpoch - done + (run.phase.epochs() - epoch) * batchesPerEpoch);
                progress.show(label(run.phase), epoch, run.phase.epochs(), done, batchesPerEpoch, acc.meanLoss(),
                        acc.accuracy(), eta);
            }
            if (last) {
                break;
            }
            if (globalStep % DIVERGENCE_CHECK_EVERY == 0) {
                checkFinite(acc, run, epoch);
            }
            if (checkpoints != null && checkpoints.dueAfter(globalStep)) {
                checkFinite(acc, run, epoch);
                save(run, acc, epoch - 1, done, samplerEpoch, done);
            }
        }
    }

    private Iterable<Batch> iterate(Trainer trainer) {
        try {
            return trainer.iterateDataset(train);
        } catch (IOException | TranslateException e) {
            throw new IllegalStateException("cannot read " + data.name() + ": " + e.getMessage(), e);
        }
    }

    private Iterable<Batch> iterate(RandomAccessDataset dataset, NDManager manager) {
        try {
            return dataset.getData(manager);
        } catch (IOException | TranslateException e) {
            throw new IllegalStateException("cannot read " + data.name() + ": " + e.getMessage(), e);
        }
    }

    private void evaluate(Trainer trainer, DeviceAccumulator acc) {
        long done = 0;
        long limit = recipe.maxBatches() > 0 ? recipe.maxBatches() : Long.MAX_VALUE;
        for (Batch batch : iterate(test, trainer.getManager())) {
            try (batch) {
                NDList x = batch.getData().toDevice(device, false);
                NDArray labels = batch.getLabels().head().toDevice(device, false);
                NDArray logits = trainer.evaluate(x).head();
                NDArray loss = trainer.getLoss().evaluate(new NDList(labels), new NDList(logits));
                acc.add(loss, logits, labels);
            }
            if (++done >= limit) {
                break;
            }
        }
    }

    /** Adds the per-batch accumulation of training loss and accuracy as a listener. */
    private static TrainingListener accumulating(DeviceAccumulator acc) {
        return new TrainingListenerAdapter() {
            @Override
            public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                for (Device d : batchData.getLabels().keySet()) {
                    NDArray labels = batchData.getLabels().get(d).head();
                    NDArray logits = batchData.getPredictions().get(d).head();
                    NDArray loss = trainer.getLoss().evaluate(new NDList(labels), new NDList(logits));
                    acc.add(loss, logits, labels);
                }
            }
        };
    }

    @Override
    public void close() {
        for (int i = models.size() - 1; i >= 0; i--) {
            models.get(i).close();
        }
        models.clear();
    }
}
