package io.svite.examples.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;
import ai.djl.translate.TranslateException;

import io.svite.core.SparseTrainingConfig;
import io.svite.core.SparsityReport;
import io.svite.core.training.LabelSmoothingLoss;
import io.svite.examples.data.ImageData;
import io.svite.examples.data.InputSpec;
import io.svite.examples.data.SeededSampler;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains a DeiT on an image dataset the way DeiT is trained — AdamW, linear warm-up then cosine
 * learning-rate decay, label smoothing, drop-path — evaluating on the test split after every
 * epoch.
 *
 * <p>The loop follows {@link EasyTrain}'s order (forward, backward, {@code onTrainingBatch}
 * listeners, {@code trainer.step()}, {@code onEpoch} listeners) so that any DJL training listener
 * or optimizer decorator behaves as it does under {@code EasyTrain.fit}. Losses and accuracies are
 * summed on the device and read back only when shown. With a {@link SviteRecipe} the training
 * configuration is decorated by {@link io.svite.core.SparseTrainer} and the result carries the
 * final sparsity report, with parameters and MACs costed at the per-layer densities.
 */
public final class TrainingRun {

    private final TrainRecipe recipe;
    private final ImageData data;
    private final Device device;
    private final PrintStream progressOut;
    private final boolean interactive;

    /**
     * Prepares a run.
     *
     * @param recipe what to train and how
     * @param data the dataset
     * @param device the device to train on
     * @param progressOut where to show progress, or null for none
     */
    public TrainingRun(TrainRecipe recipe, ImageData data, Device device, PrintStream progressOut) {
        this.recipe = recipe;
        this.data = data;
        this.device = device;
        this.progressOut = progressOut;
        this.interactive = progressOut != null && System.console() != null;
    }

    /**
     * The architecture the recipe asks for, adapted to the dataset's classes.
     *
     * @param recipe the recipe
     * @param data the dataset
     * @return the model configuration
     */
    public static DeiTConfig modelConfig(TrainRecipe recipe, ImageData data) {
        DeiTConfig config = DeiTConfig.preset(recipe.model()).withClasses(data.classes());
        return recipe.dropPath() >= 0 ? config.withDropPath(recipe.dropPath()) : config;
    }

    /**
     * Trains and evaluates.
     *
     * @return what the run measured
     * @throws IOException if the data cannot be read
     */
    public TrainResult run() throws IOException {
        long start = System.nanoTime();
        DeiTConfig config = modelConfig(recipe, data);
        InputSpec input = new InputSpec(config.imageSize(), config.channels());
        Engine.getInstance().setRandomSeed((int) recipe.seed());
        SeededSampler sampler = new SeededSampler(recipe.batchSize(), true, recipe.seed());
        RandomAccessDataset train = data.train(input, sampler);
        RandomAccessDataset test = data.test(input, recipe.batchSize());
        long batchesPerEpoch = batchesPerEpoch(train.size());

        Tracker learningRate = learningRate(batchesPerEpoch);
        List<EpochMetrics> epochs = new ArrayList<>();
        SparsityReport sparsity = null;
        try (Model model = Model.newInstance("deit", device);
                DeviceAccumulator trainAcc = new DeviceAccumulator(device);
                DeviceAccumulator testAcc = new DeviceAccumulator(device)) {
            model.setBlock(DeiT.of(config));
            DefaultTrainingConfig trainingConfig =
                    trainingConfig(learningRate).addTrainingListeners(accumulating(trainAcc));
            SparseTrainingConfig sparse =
                    recipe.svite() == null
                            ? null
                            : recipe.svite().trainer(recipe.epochs() * batchesPerEpoch).configure(trainingConfig);
            try (Trainer trainer = model.newTrainer(sparse == null ? trainingConfig : sparse)) {
                trainer.initialize(new Shape(1, config.channels(), config.imageSize(), config.imageSize()));
                ProgressPrinter progress = new ProgressPrinter(progressOut, interactive);
                for (int epoch = 1; epoch <= recipe.epochs(); epoch++) {
                    long epochStart = System.nanoTime();
                    trainEpoch(trainer, train, trainAcc, progress, epoch, batchesPerEpoch);
                    evaluate(trainer, test, testAcc);
                    trainer.notifyListeners(listener -> listener.onEpoch(trainer));
                    double seconds = (System.nanoTime() - epochStart) / 1e9;
                    EpochMetrics m =
                            new EpochMetrics(
                                    epoch,
                                    trainAcc.meanLoss(),
                                    trainAcc.accuracy(),
                                    testAcc.accuracy(),
                                    learningRate.getNewValue(Math.toIntExact(epoch * batchesPerEpoch)),
                                    seconds);
                    epochs.add(m);
                    progress.endLine(
                            String.format(
                                    Locale.ROOT,
                                    "epoch %d/%d  loss %.4f  train acc %.2f%%  test acc %.2f%%  (%s)",
                                    epoch,
                                    recipe.epochs(),
                                    m.trainLoss(),
                                    100 * m.trainAccuracy(),
                                    100 * m.testAccuracy(),
                                    ProgressPrinter.formatDuration(seconds)));
                    trainAcc.reset();
                    testAcc.reset();
                }
            }
            if (sparse != null) {
                sparsity = sparse.run().report();
            }
        }
        CostReport cost =
                sparsity == null ? CostModel.of(config).dense() : CostModel.of(config).estimate(sparsity.densities());
        double testAccuracy = epochs.get(epochs.size() - 1).testAccuracy();
        return new TrainResult(
                recipe,
                data.name(),
                data.classes(),
                epochs,
                testAccuracy,
                cost.params(),
                cost.denseParams(),
                cost.macs(),
                cost.denseMacs(),
                (System.nanoTime() - start) / 1e9,
                sparsity);
    }

    private long batchesPerEpoch(long trainSize) {
        long all = (trainSize + recipe.batchSize() - 1) / recipe.batchSize();
        return recipe.maxBatches() > 0 ? Math.min(all, recipe.maxBatches()) : all;
    }

    private DefaultTrainingConfig trainingConfig(Tracker learningRate) {
        return new DefaultTrainingConfig(new LabelSmoothingLoss((float) recipe.labelSmoothing()))
                .optOptimizer(
                        Optimizer.adamW()
                                .optLearningRateTracker(learningRate)
                                .optWeightDecays((float) recipe.weightDecay())
                                .build())
                .optDevices(new Device[] {device});
    }

    private Tracker learningRate(long batchesPerEpoch) {
        int total = Math.toIntExact(recipe.epochs() * batchesPerEpoch);
        int warmup = (int) Math.round(recipe.warmupEpochs() * batchesPerEpoch);
        Tracker cosine =
                CosineTracker.builder()
                        .setBaseValue((float) recipe.learningRate())
                        .optFinalValue((float) recipe.minLearningRate())
                        .setMaxUpdates(Math.max(1, total - warmup))
                        .build();
        if (warmup == 0) {
            return cosine;
        }
        return WarmUpTracker.builder().setMainTracker(cosine).optWarmUpSteps(warmup).optWarmUpBeginValue(0f).build();
    }

    private void trainEpoch(
            Trainer trainer,
            RandomAccessDataset train,
            DeviceAccumulator acc,
            ProgressPrinter progress,
            int epoch,
            long batches) {
        long done = 0;
        long epochStart = System.nanoTime();
        for (Batch batch : iterate(trainer, train)) {
            try (batch) {
                EasyTrain.trainBatch(trainer, batch);
                trainer.step();
            }
            done++;
            if (progress.due() || done == batches) {
                double elapsed = (System.nanoTime() - epochStart) / 1e9;
                double eta = elapsed / done * (batches - done + (recipe.epochs() - epoch) * batches);
                progress.show(epoch, recipe.epochs(), done, batches, acc.meanLoss(), acc.accuracy(), eta);
            }
            if (done >= batches) {
                break;
            }
        }
    }

    private Iterable<Batch> iterate(Trainer trainer, RandomAccessDataset dataset) {
        try {
            return trainer.iterateDataset(dataset);
        } catch (IOException | TranslateException e) {
            throw new IllegalStateException("cannot read " + data.name() + ": " + e.getMessage(), e);
        }
    }

    private void evaluate(Trainer trainer, RandomAccessDataset test, DeviceAccumulator acc) {
        long done = 0;
        long limit = recipe.maxBatches() > 0 ? recipe.maxBatches() : Long.MAX_VALUE;
        for (Batch batch : iterate(trainer, test)) {
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
    static TrainingListener accumulating(DeviceAccumulator acc) {
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
}
