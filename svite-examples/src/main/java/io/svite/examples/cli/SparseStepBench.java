package io.svite.examples.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import io.svite.core.SparseTrainer;
import io.svite.core.SparseTrainingConfig;
import io.svite.core.training.ExitGuard;
import io.svite.core.training.LabelSmoothingLoss;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code svite bench sparse-step}: the cost of SViTE's masking per training step, and of one full
 * mask rewrite, against dense training — measured side by side in one run.
 *
 * <p>Two copies of the same model (same seed) train on the same synthetic batch, one dense and one
 * under {@link SparseTrainer}; their steps alternate (dense, sparse, dense, …) so that machine noise
 * hits both alike. The sparse model's last step is a mask update, timed by the engine. A sparse step
 * "averaged over the interval" adds one rewrite spread over {@code --interval} steps. A second model
 * ({@code --rewrite-model}, DeiT-Small by default) compares one rewrite of all its masks with one of
 * its own training steps (medians of three each).
 */
@Command(
        name = "sparse-step",
        mixinStandardHelpOptions = true,
        description = "Median dense vs sparse (masked) training step on the same model and batch, their ratio, and"
                + " the time of one full mask rewrite.")
final class SparseStepBench implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "NAME", description = "Model for the step timings (default: ${DEFAULT-VALUE}).")
    String model = "deit-tiny";

    @Option(names = "--rewrite-model", paramLabel = "NAME", description = "Model whose full mask rewrite is compared with its training step (default: ${DEFAULT-VALUE}).")
    String rewriteModel = "deit-small";

    @Option(names = "--batch-size", paramLabel = "N", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize = 8;

    @Option(names = "--steps", paramLabel = "N", description = "Timed steps per variant (default: ${DEFAULT-VALUE}).")
    int steps = 8;

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed steps per variant first (default: ${DEFAULT-VALUE}).")
    int warmup = 2;

    @Option(names = "--interval", paramLabel = "T", description = "Update interval over which one rewrite is averaged (default: ${DEFAULT-VALUE}).")
    int interval = 100;

    @Option(names = "--sparsity", paramLabel = "S", description = "Sparsity of the sparse model, Erdős–Rényi-Kernel (default: ${DEFAULT-VALUE}).")
    double sparsity = 0.5;

    @picocli.CommandLine.Mixin ThreadOptions threads;

    @Option(names = "--json", description = "Print the figures as JSON.")
    boolean json;

    @Override
    public Integer call() {
        Conversions.positive("--batch-size", batchSize);
        Conversions.positive("--steps", steps);
        Conversions.positive("--interval", interval);
        Conversions.nonNegative("--warmup", warmup);
        DeiTConfig stepConfig = DeiTConfig.preset(model);
        DeiTConfig rewriteConfig = DeiTConfig.preset(rewriteModel);
        SparseTrainer.builder().erdosRenyiKernel(sparsity); // validates the sparsity before any work
        int engineThreads = threads.apply();

        Device device = Engine.getInstance().defaultDevice();
        double[] dense = new double[steps];
        double[] masked = new double[steps];
        double rewrite;
        double updateStep;
        try (NDManager root = NDManager.newBaseManager(device);
                Model denseModel = newModel(stepConfig, device);
                Model sparseModel = newModel(stepConfig, device)) {
            NDList batch = syntheticBatch(root, stepConfig);
            int total = warmup + steps;
            SparseTrainingConfig sparse =
                    SparseTrainer.builder().erdosRenyiKernel(sparsity).updateEvery(total + 1).until(total + 2).build()
                            .configure(config(device));
            try (Trainer d = denseModel.newTrainer(config(device));
                    Trainer s = sparseModel.newTrainer(sparse)) {
                Shape input = new Shape(1, stepConfig.channels(), stepConfig.imageSize(), stepConfig.imageSize());
                d.initialize(input);
                s.initialize(input);
                for (int i = 0; i < total; i++) {
                    ExitGuard.stopIfExiting("step " + (i + 1));
                    double td = timedStep(d, root, batch);
                    double ts = timedStep(s, root, batch);
                    if (i >= warmup) {
                        dense[i - warmup] = td;
                        masked[i - warmup] = ts;
                    }
                }
                updateStep = timedStep(s, root, batch);
                if (sparse.run().updates() != 1) {
                    throw new IllegalStateException("the benchmark expected one mask update, saw " + sparse.run().updates());
                }
                rewrite = sparse.run().lastUpdateSeconds();
            }
        }
        double[] big = rewriteVersusStep(rewriteConfig, device);

        double denseMedian = median(dense);
        double maskedMedian = median(masked);
        double amortised = maskedMedian + rewrite / interval;
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        o.addProperty("batchSize", batchSize);
        o.addProperty("sparsity", sparsity);
        o.addProperty("steps", steps);
        o.addProperty("threads", engineThreads);
        o.addProperty("denseStepSeconds", denseMedian);
        o.addProperty("sparseStepSeconds", maskedMedian);
        o.addProperty("rewriteSeconds", rewrite);
        o.addProperty("updateStepSeconds", updateStep);
        o.addProperty("interval", interval);
        o.addProperty("sparseStepOverIntervalSeconds", amortised);
        o.addProperty("maskedRatio", maskedMedian / denseMedian);
        o.addProperty("ratio", amortised / denseMedian);
        o.addProperty("rewriteModel", rewriteModel);
        o.addProperty("rewriteModelRewriteSeconds", big[0]);
        o.addProperty("rewriteModelStepSeconds", big[1]);
        o.addProperty("rewriteModelRewriteOverStep", big[0] / big[1]);
        if (json) {
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
        } else {
            System.out.print(text(denseMedian, maskedMedian, rewrite, amortised, big, engineThreads));
        }
        return 0;
    }

    private String text(double dense, double masked, double rewrite, double amortised, double[] big, int engineThreads) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "sparse-step benchmark: %s, batch %d, ERK sparsity %.2f, %d timed steps each,"
                + " %d engine threads%n", model, batchSize, sparsity, steps, engineThreads));
        sb.append(String.format(Locale.ROOT, "%-28s %8.3f s%n", "dense step (median)", dense));
        sb.append(String.format(Locale.ROOT, "%-28s %8.3f s%n", "sparse step, masks applied", masked));
        sb.append(String.format(Locale.ROOT, "%-28s %8.3f s%n", "one full mask rewrite", rewrite));
        sb.append(String.format(Locale.ROOT, "%-28s %8.3f s  (median + rewrite / %d)%n", "sparse step over interval",
                amortised, interval));
        sb.append(String.format(Locale.ROOT, "%-28s %8.3f  (masked step alone: %.3f; target <= 1.05)%n",
                "sparse / dense", amortised / dense, masked / dense));
        sb.append(String.format(Locale.ROOT, "%-28s %8.3f s vs one training step %.3f s (medians of 3): ratio %.3f"
                + " (target < 1)%n", rewriteModel + " rewrite", big[0], big[1], big[0] / big[1]));
        return sb.toString();
    }

    /**
     * The median of three rewrites of all masks of the model (steps 1–3 each rewrite) vs the median
     * of three of its masked training steps without a rewrite (steps 4–6).
     */
    private double[] rewriteVersusStep(DeiTConfig config, Device device) {
        int timed = 3;
        try (NDManager root = NDManager.newBaseManager(device);
                Model m = newModel(config, device)) {
            NDList batch = syntheticBatch(root, config);
            SparseTrainingConfig sparse =
                    SparseTrainer.builder().erdosRenyiKernel(sparsity).updateEvery(1).until(timed + 1).build()
                            .configure(config(device));
            try (Trainer t = m.newTrainer(sparse)) {
                t.initialize(new Shape(1, config.channels(), config.imageSize(), config.imageSize()));
                double[] rewrites = new double[timed];
                for (int i = 0; i < timed; i++) {
                    ExitGuard.stopIfExiting("mask rewrite " + (i + 1));
                    timedStep(t, root, batch);
                    rewrites[i] = sparse.run().lastUpdateSeconds();
                }
                double[] times = new double[timed];
                for (int i = 0; i < timed; i++) {
                    ExitGuard.stopIfExiting("step " + (i + 1));
                    times[i] = timedStep(t, root, batch);
                }
                return new double[] {median(rewrites), median(times)};
            }
        }
    }

    private Model newModel(DeiTConfig config, Device device) {
        Engine.getInstance().setRandomSeed(42);
        Model m = Model.newInstance("deit", device);
        m.setBlock(DeiT.of(config));
        return m;
    }

    private static TrainingConfig config(Device device) {
        return new DefaultTrainingConfig(new LabelSmoothingLoss(0.1f))
                .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(5e-4f)).optWeightDecays(0.05f).build())
                .optDevices(new Device[] {device});
    }

    private NDList syntheticBatch(NDManager manager, DeiTConfig config) {
        NDArray x = manager.randomNormal(new Shape(batchSize, config.channels(), config.imageSize(), config.imageSize()));
        NDArray y = manager.randomInteger(0, config.classes(), new Shape(batchSize), ai.djl.ndarray.types.DataType.INT64)
                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        return new NDList(x, y);
    }

    /** One step in EasyTrain's order on a copy of the batch owned by the step. */
    private double timedStep(Trainer trainer, NDManager root, NDList batch) {
        try (NDManager step = root.newSubManager()) {
            NDArray x = batch.get(0).duplicate();
            NDArray y = batch.get(1).duplicate();
            x.attach(step);
            y.attach(step);
            Batch b = new Batch(step, new NDList(x), new NDList(y), batchSize, null, null, 0, 1);
            long start = System.nanoTime();
            EasyTrain.trainBatch(trainer, b);
            trainer.step();
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
