package io.svite.core.data;

import io.svite.core.augment.AugmentSeeds;
import io.svite.core.augment.Augmentation;
import io.svite.core.augment.BatchOp;
import io.svite.core.augment.ImageOp;
import io.svite.core.augment.Pixels;
import io.svite.core.augment.Resize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.util.Progress;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A training (or test) split whose images are decoded and augmented by worker threads while the
 * step trains, batched in the sampler's order, normalised and batch-augmented on the device.
 *
 * <pre>{@code
 * RandomAccessDataset train = AugmentedImages.builder()
 *         .source(ImageSource.of(cifar.trainImages())).input(new InputSpec(32, 3))
 *         .normalise(Cifar10.MEAN, Cifar10.STD).augmentation(Augmentation.preset("cifar"), 10)
 *         .seed(42).workers(2)
 *         .setSampling(new SeededSampler(128, true, 42))
 *         .build();
 * EasyTrain.fit(trainer, epochs, train, test);      // any DJL loop; targets are (B, 10) soft labels
 * }</pre>
 *
 * <p>Per batch: the images' per-image operations run on a pool of {@code workers} threads, up to
 * {@code prefetch} batches ahead of the one the loop takes; the loop's thread waits only for the
 * batch it needs, stacks it into one array, normalises it and runs the batch operations (random
 * erasing, Mixup/CutMix) on the device. Every image's generator is seeded from (seed, epoch, image
 * index) and every batch's from (seed, epoch, first index) ({@link AugmentSeeds}), so batches do not
 * depend on the number of workers or on timing, and a resumed run (whose {@link SeededSampler} is
 * positioned at its epoch and batch) sees the same batches. With batch operations the labels are
 * (B, K) soft targets; without, (B) class indices as DJL's datasets give.
 */
public final class AugmentedImages extends RandomAccessDataset {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ImageSource source;
    private final List<ImageOp> imageOps;
    private final List<BatchOp> batchOps;
    private final InputSpec input;
    private final float[] mean;
    private final float[] std;
    private final int classes;
    private final long seed;
    private final int workers;
    private final int prefetch;
    private ThreadPoolExecutor pool;
    private BatchPrefetcher current;
    private int epochs;

    private AugmentedImages(Builder b) {
        super(b);
        this.source = b.source;
        this.input = b.input;
        List<ImageOp> ops = new ArrayList<>(b.augmentation.imageOps(b.input.imageSize()));
        this.imageOps = List.copyOf(ops);
        this.batchOps = b.augmentation.batchOps();
        this.mean = channels(b.mean, b.input.channels());
        this.std = channels(b.std, b.input.channels());
        this.classes = b.classes;
        this.seed = b.seed;
        this.workers = b.workers;
        this.prefetch = b.prefetch;
    }

    /**
     * A builder; {@code source}, {@code input} and a sampler ({@code setSampling}) are required.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Record get(NDManager manager, long index) {
        Pixels p = prepare((int) index, 0);
        NDArray x = manager.create(p.data(), new ai.djl.ndarray.types.Shape(p.channels(), p.height(), p.width()));
        NDArray m = manager.create(mean, new ai.djl.ndarray.types.Shape(mean.length, 1, 1));
        NDArray s = manager.create(std, new ai.djl.ndarray.types.Shape(std.length, 1, 1));
        return new Record(new NDList(x.sub(m).div(s)), new NDList(manager.create((float) source.label((int) index))));
    }

    @Override
    protected long availableSize() {
        return source.size();
    }

    @Override
    public void prepare(Progress progress) {}

    @Override
    public Iterable<Batch> getData(NDManager manager) {
        return getData(manager, sampler, null);
    }

    @Override
    public Iterable<Batch> getData(NDManager manager, ExecutorService executorService) {
        return getData(manager, sampler, executorService);
    }

    @Override
    public Iterable<Batch> getData(NDManager manager, Sampler sampler) {
        return getData(manager, sampler, null);
    }

    /**
     * The batches of the sampler's next epoch, made by this dataset's own workers (the executor
     * DJL passes is not used: the pool is bounded by {@code workers} and {@code prefetch}).
     */
    @Override
    public synchronized Iterable<Batch> getData(NDManager manager, Sampler sampler, ExecutorService executorService) {
        int epoch = sampler instanceof SeededSampler ? ((SeededSampler) sampler).nextEpoch() : epochs;
        epochs = epoch + 1;
        Iterator<List<Long>> order = sampler.sample(this);
        long total = (size() + sampler.getBatchSize() - 1) / sampler.getBatchSize();
        if (current != null) {
            current.cancel();
        }
        BatchPrefetcher batches = new BatchPrefetcher(this, manager, order, epoch, total);
        current = batches;
        return () -> batches;
    }

    /** One image: decoded, its per-image operations with its own generator, the model's channels. */
    Pixels prepare(int index, int epoch) {
        Random random = new Random(AugmentSeeds.image(seed, epoch, index));
        Pixels p = source.read(index);
        for (ImageOp op : imageOps) {
            p = op.apply(p, random);
        }
        return toChannels(p, input.channels());
    }

    /** The batch operations' generator of a batch. */
    Random batchRandom(int epoch, long firstIndex) {
        return new Random(AugmentSeeds.batch(seed, epoch, firstIndex));
    }

    List<BatchOp> batchOps() {
        return batchOps;
    }

    int label(int index) {
        return source.label(index);
    }

    int classes() {
        return classes;
    }

    InputSpec input() {
        return input;
    }

    float[] mean() {
        return mean;
    }

    float[] std() {
        return std;
    }

    int prefetch() {
        return prefetch;
    }

    ai.djl.Device device() {
        return device;
    }

    /** The worker pool: daemon threads that end after 5 s without work, so an abandoned epoch leaves none. */
    synchronized ThreadPoolExecutor pool() {
        if (pool == null) {
            int id = POOLS.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            ThreadFactory daemons = r -> {
                Thread t = new Thread(r, "svite-loader-" + id + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            pool = new ThreadPoolExecutor(workers, workers, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemons);
            pool.allowCoreThreadTimeOut(true);
        }
        return pool;
    }

    private static Pixels toChannels(Pixels p, int channels) {
        if (p.channels() == channels) {
            return p;
        }
        int plane = p.height() * p.width();
        float[] out = new float[channels * plane];
        if (p.channels() == 1) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(p.data(), 0, out, c * plane, plane);
            }
        } else {
            for (int i = 0; i < plane; i++) {
                float sum = 0;
                for (int c = 0; c < p.channels(); c++) {
                    sum += p.data()[c * plane + i];
                }
                out[i] = sum / p.channels();
            }
        }
        return new Pixels(out, channels, p.height(), p.width());
    }

    private static float[] channels(float[] values, int channels) {
        if (values.length == channels) {
            return values.clone();
        }
        double avg = 0;
        for (float v : values) {
            avg += v;
        }
        float[] out = new float[channels];
        java.util.Arrays.fill(out, (float) (avg / values.length));
        return out;
    }

    /** The settings of an {@link AugmentedImages}. */
    public static final class Builder extends BaseBuilder<Builder> {

        private ImageSource source;
        private InputSpec input;
        private float[] mean = {0.5f};
        private float[] std = {0.5f};
        private Augmentation augmentation = Augmentation.none();
        private int classes;
        private long seed;
        private int workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private int prefetch = 2;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The images.
         *
         * @param images the source
         * @return this builder
         */
        public Builder source(ImageSource images) {
            this.source = images;
            return this;
        }

        /**
         * The model's input: every image becomes channels × size × size.
         *
         * @param spec the input
         * @return this builder
         */
        public Builder input(InputSpec spec) {
            this.input = spec;
            return this;
        }

        /**
         * Per-channel mean and standard deviation of the images in [0, 1] (1 or 3 values each).
         *
         * @param channelMean the means
         * @param channelStd the standard deviations
         * @return this builder
         */
        public Builder normalise(float[] channelMean, float[] channelStd) {
            this.mean = channelMean.clone();
            this.std = channelStd.clone();
            return this;
        }

        /**
         * The augmentation and the number of classes (the width of the soft targets).
         *
         * @param recipe the augmentation
         * @param classCount classes
         * @return this builder
         */
        public Builder augmentation(Augmentation recipe, int classCount) {
            this.augmentation = recipe;
            this.classes = classCount;
            return this;
        }

        /**
         * The seed of every augmentation generator.
         *
         * @param value the seed
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Worker threads that decode and transform images (default: the processors, at most 4).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder workers(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("loader workers must be >= 1, got " + n);
            }
            this.workers = n;
            return this;
        }

        /**
         * Batches prepared ahead of the one the loop takes (default 2).
         *
         * @param batches at least 1
         * @return this builder
         */
        public Builder prefetch(int batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("prefetch must be >= 1 batch, got " + batches);
            }
            this.prefetch = batches;
            return this;
        }

        /**
         * The dataset.
         *
         * @return the dataset
         * @throws IllegalStateException if the source, input or sampler is missing
         */
        public AugmentedImages build() {
            if (source == null || input == null || sampler == null) {
                throw new IllegalStateException("set source(...), input(...) and setSampling(...)");
            }
            if (!augmentation.batchOps().isEmpty() && classes < 2) {
                throw new IllegalStateException("batch augmentation needs the number of classes: augmentation(recipe, classes)");
            }
            return new AugmentedImages(this);
        }
    }
}
