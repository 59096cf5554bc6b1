package io.svite.examples.bench;

import io.svite.core.augment.Augmentation;
import io.svite.core.data.AugmentedImages;
import io.svite.core.data.ImageData;
import io.svite.core.data.ImageDatasets;
import io.svite.core.data.InputSpec;
import io.svite.core.data.SeededSampler;
import io.svite.core.training.LabelSmoothingLoss;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import javax.imageio.ImageIO;

/**
 * Times the input pipeline alone and then feeding DeiT training steps, in one run: images per
 * second the loader delivers (decoding, per-image augmentation on the workers, batching,
 * normalisation and batch augmentation), images per second a training step consumes, and how long
 * the step waited for its batch. Target: the loader delivers at least twice what the step consumes.
 */
public final class DataBench {

    /** Loader images/s over step images/s that the pipeline must reach. */
    public static final double TARGET = 2.0;

    /**
     * What to measure.
     *
     * @param source {@code jpeg} (an image folder) or {@code cifar} (CIFAR-10 binaries)
     * @param data the dataset folder, or null to write synthetic files into a temporary folder
     * @param images synthetic images to write
     * @param model the DeiT preset whose steps consume the batches
     * @param batch images per batch
     * @param augment the augmentation preset
     * @param workers loader threads
     * @param loaderBatches batches timed for the loader alone
     * @param steps training steps timed (after one untimed step)
     * @param seed seed of the data, weights and augmentation
     */
    public record Settings(String source, Path data, int images, String model, int batch, String augment, int workers,
            int loaderBatches, int steps, long seed) {

        /**
         * The defaults: synthetic 320 × 240 JPEGs, DeiT-Tiny, batch 64, DeiT's augmentation, 2 workers.
         *
         * @return the settings
         */
        public static Settings defaults() {
            return new Settings("jpeg", null, 640, "deit-tiny", 64, "deit", 2, 6, 3, 42);
        }
    }

    /**
     * The measurements.
     *
     * @param settings what was measured
     * @param loaderImagesPerSecond images per second of the loader alone
     * @param stepSeconds median training step without the wait for data
     * @param stepImagesPerSecond images per second the step consumes (batch / median step)
     * @param waitFraction the share of the training loop's time spent waiting for batches
     */
    public record Result(Settings settings, double loaderImagesPerSecond, double stepSeconds, double stepImagesPerSecond,
            double waitFraction) {

        /**
         * Loader over step throughput.
         *
         * @return the ratio
         */
        public double ratio() {
            return loaderImagesPerSecond / stepImagesPerSecond;
        }

        /**
         * Whether the loader delivers at least {@link #TARGET} times what the step consumes.
         *
         * @return true if it does
         */
        public boolean meetsTarget() {
            return ratio() >= TARGET;
        }

        /**
         * A small table.
         *
         * @return the text
         */
        public String format() {
            Settings s = settings;
            return String.format(Locale.ROOT, "input pipeline: %s, %s augmentation, batch %d, %d loader worker(s); %s steps%n"
                    + "loader alone                 %8.1f images/s (%d batches)%n"
                    + "training step (median of %d)  %8.3f s = %.1f images/s%n"
                    + "waiting for data while training %5.1f %% of the loop%n"
                    + "loader / step                %8.2f (target >= %.1f: %s)%n",
                    s.source(), s.augment(), s.batch(), s.workers(), s.model(), loaderImagesPerSecond, s.loaderBatches(),
                    s.steps(), stepSeconds, stepImagesPerSecond, 100 * waitFraction, ratio(), TARGET,
                    meetsTarget() ? "met" : "NOT met");
        }
    }

    private DataBench() {}

    /**
     * Runs the benchmark.
     *
     * @param s the settings
     * @return the measurements
     * @throws IOException if synthetic files cannot be written
     */
    public static Result run(Settings s) throws IOException {
        Path tmp = null;
        Path dir = s.data();
        if (dir == null) {
            tmp = Files.createTempDirectory("svite-bench-data");
            dir = tmp;
            if ("cifar".equals(s.source())) {
                writeCifar(dir, s.images(), s.seed());
            } else {
                writeJpegs(dir, s.images(), s.seed());
            }
        }
        DeiTConfig config = DeiTConfig.preset(s.model());
        String kind = "cifar".equals(s.source()) ? "cifar10" : "folder";
        try (ImageData data = ImageDatasets.open(kind, dir, config.imageSize(), s.seed())) {
            InputSpec input = new InputSpec(config.imageSize(), config.channels());
            Augmentation augmentation = Augmentation.preset(s.augment());
            double loaderRate = loaderAlone(data, input, augmentation, s);
            double[] step = beside(data, input, augmentation, config.withClasses(data.classes()), s);
            return new Result(s, loaderRate, step[0], s.batch() / step[0], step[1]);
        } finally {
            if (tmp != null) {
                delete(tmp);
            }
        }
    }

    /** The parallel pipeline over the training images, with the benchmark's workers. */
    private static RandomAccessDataset dataset(ImageData data, InputSpec input, Augmentation a, Settings s) {
        return AugmentedImages.builder().source(data.trainSource()).input(input).normalise(data.mean(), data.std())
                .augmentation(a, data.classes()).seed(s.seed()).workers(s.workers())
                .setSampling(new SeededSampler(s.batch(), true, s.seed())).build();
    }

    private static double loaderAlone(ImageData data, InputSpec input, Augmentation a, Settings s) {
        RandomAccessDataset d = dataset(data, input, a, s);
        try (NDManager m = NDManager.newBaseManager()) {
            Iterator<Batch> it = iterator(d, m);
            it.next().close(); // the pool starts and the first batches are queued: not timed
            long images = 0;
            long start = System.nanoTime();
            for (int i = 0; i < s.loaderBatches(); i++) {
                if (!it.hasNext()) {
                    it = iterator(d, m);
                }
                try (Batch b = it.next()) {
                    images += b.getSize();
                }
            }
            return images / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Median step seconds (without waits) and the fraction of the loop spent waiting for batches. */
    private static double[] beside(ImageData data, InputSpec input, Augmentation a, DeiTConfig config, Settings s) {
        RandomAccessDataset d = dataset(data, input, a, s);
        try (Model model = Model.newInstance("deit")) {
            model.setBlock(DeiT.of(config));
            DefaultTrainingConfig tc = new DefaultTrainingConfig(new LabelSmoothingLoss(0.1f))
                    .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-4f)).build());
            try (Trainer trainer = model.newTrainer(tc)) {
                trainer.initialize(new Shape(1, config.channels(), config.imageSize(), config.imageSize()));
                Iterator<Batch> it = iterator(d, trainer.getManager());
                List<Double> steps = new ArrayList<>();
                double waited = 0;
                double total = 0;
                for (int i = 0; i <= s.steps(); i++) {
                    if (!it.hasNext()) {
                        it = iterator(d, trainer.getManager());
                    }
                    long t0 = System.nanoTime();
                    try (Batch b = it.next()) {
                        long t1 = System.nanoTime();
                        EasyTrain.trainBatch(trainer, b);
                        trainer.step();
                        long t2 = System.nanoTime();
                        if (i > 0) { // the first step warms up the engine
                            steps.add((t2 - t1) / 1e9);
                            waited += (t1 - t0) / 1e9;
                            total += (t2 - t0) / 1e9;
                        }
                    }
                }
                double[] sorted = steps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                return new double[] {sorted[sorted.length / 2], waited / total};
            }
        }
    }

    private static Iterator<Batch> iterator(RandomAccessDataset d, NDManager m) {
        try {
            return d.getData(m).iterator();
        } catch (IOException | TranslateException e) {
            throw new IllegalStateException("cannot read the benchmark's data: " + e.getMessage(), e);
        }
    }

    /** Photograph-sized JPEGs (320 × 240, smooth colour fields with noise) in two class folders. */
    static void writeJpegs(Path dir, int count, long seed) throws IOException {
        Random r = new Random(seed);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
            int base = r.nextInt(0xffffff);
            for (int y = 0; y < 240; y++) {
                for (int x = 0; x < 320; x++) {
                    int v = (base + x * 3 + y * 5 + r.nextInt(24)) & 0xffffff;
                    img.setRGB(x, y, v);
                }
            }
            Path f = dir.resolve(i % 2 == 0 ? "a" : "b").resolve(i + ".jpg");
            Files.createDirectories(f.getParent());
            ImageIO.write(img, "jpg", f.toFile());
        }
    }

    /** CIFAR-10 binaries of random images: five training files and a test file. */
    static void writeCifar(Path dir, int count, long seed) throws IOException {
        Random r = new Random(seed);
        int perFile = Math.max(1, count / 5);
        for (String name : new String[] {"data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5",
                "test_batch"}) {
            byte[] bytes = new byte[perFile * 3073];
            r.nextBytes(bytes);
            for (int i = 0; i < perFile; i++) {
                bytes[i * 3073] = (byte) r.nextInt(10);
            }
            Files.write(dir.resolve(name + ".bin"), bytes);
        }
    }

    private static void delete(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the benchmark with the defaults (the command line is {@code svite bench data}).
     *
     * @param args ignored
     * @throws IOException if the synthetic data cannot be written
     */
    public static void main(String[] args) throws IOException {
        System.out.print(run(Settings.defaults()).format());
    }
}
