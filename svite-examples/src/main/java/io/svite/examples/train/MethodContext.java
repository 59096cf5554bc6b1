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

import io.svite.core.training.LabelSmoothingLoss;
import io.svite.core.training.Optimizers;
import io.svite.examples.data.ImageData;
import io.svite.examples.data.InputSpec;
import io.svite.examples.data.SeededSampler;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.tokens.TemperatureListener;

import java.io.IOException;
import java.io.PrintStream;
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
 */
public final class MethodContext implements AutoCloseable {

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

    MethodContext(
            TrainRecipe recipe,
            ImageData data,
            Device device,
            DeiTConfig architecture,
            PrintStream progressOut,
            Consumer<List<EpochMetrics>> afterEpoch) {
        this.recipe = recipe;
        this.data = data;
        this.device = device;
        this.architecture = architecture;
        this.input = new InputSpec(architecture.imageSize(), architecture.channels());
        SeededSampler sampler = new SeededSampler(recipe.batchSize(), true, recipe.seed());
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
     * @param model the model; initialised here if it is not yet
     * @param phase the phase
     * @return the phase's epochs
     */
    public List<EpochMetrics> train(Model model, TrainingPhase phase) {
        long steps = phase.epochs() * batchesPerEpoch;
        Tracker learningRate = learningRate(phase.epochs());
        List<EpochMetrics> epochs = new ArrayList<>();
        try (DeviceAccumulator trainAcc = new DeviceAccumulator(device);
                DeviceAccumulator testAcc = new DeviceAccumulator(device)) {
            DefaultTrainingConfig base =
                    new DefaultTrainingConfig(new LabelSmoothingLoss((float) recipe.labelSmoothing()))
                            .optOptimizer(
                                    Optimizers.adamW()
                                            .learningRate(learningRate)
                                            .weightDecay((float) recipe.weightDecay())
                                            .decayWeightsOnly(model.getBlock())
                                            .build())
                            .optDevices(new Device[] {device})
                            .addTrainingListeners(accumulating(trainAcc));
            if (((DeiT) model.getBlock()).config().tokenSelection() != null) {
                base.addTrainingListeners(TemperatureListener.of(steps));
            }
            TrainingConfig config = phase.decorator().decorate(base, model.getBlock(), steps);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(inputShape());
                for (int e = 1; e <= phase.epochs(); e++) {
                    long epochStart = System.nanoTime();
                    trainEpoch(trainer, trainAcc, phase, e);
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
                }
            }
        }
        return epochs;
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

    private void trainEpoch(Trainer trainer, DeviceAccumulator acc, TrainingPhase phase, int epoch) {
        long done = 0;
        long epochStart = System.nanoTime();
        for (Batch batch : iterate(trainer)) {
            try (batch) {
                EasyTrain.trainBatch(trainer, batch);
                trainer.step();
            }
            done++;
            if (progress.due() || done == batchesPerEpoch) {
                double elapsed = (System.nanoTime() - epochStart) / 1e9;
                double eta = elapsed / done * (batchesPerEpoch - done + (phase.epochs() - epoch) * batchesPerEpoch);
                progress.show(label(phase), epoch, phase.epochs(), done, batchesPerEpoch, acc.meanLoss(), acc.accuracy(), eta);
            }
            if (done >= batchesPerEpoch) {
                break;
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
