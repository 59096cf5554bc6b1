package io.svite.core.data;

import io.svite.core.augment.Augmentation;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;

import java.util.List;

/**
 * An image classification dataset with a training and a test split.
 *
 * <p>Implementations turn their images into what a model expects ({@link InputSpec}) as batches
 * are drawn, so large models need no resized copy of the data in memory.
 */
public interface ImageData extends AutoCloseable {

    /**
     * A short name for reports, e.g. {@code fashion-mnist}.
     *
     * @return the name
     */
    String name();

    /**
     * Names of the classes, index = label.
     *
     * @return class names
     */
    List<String> classNames();

    /**
     * Number of classes.
     *
     * @return classes
     */
    default int classes() {
        return classNames().size();
    }

    /**
     * Channels of the stored images.
     *
     * @return 1 or 3
     */
    int channels();

    /**
     * Side of the stored images (folders: the size images are resized to when the model does not
     * say).
     *
     * @return pixels
     */
    int imageSize();

    /**
     * The training split.
     *
     * @param target the model's input
     * @param sampler batch order
     * @return a dataset of (image, label) batches
     */
    RandomAccessDataset train(InputSpec target, Sampler sampler);

    /**
     * The training split with an augmentation, decoded and transformed by worker threads in
     * parallel with training ({@link AugmentedImages}); with {@link Augmentation#none()} it is
     * {@link #train(InputSpec, Sampler)}.
     *
     * @param target the model's input
     * @param sampler batch order (a {@link SeededSampler} gives the augmentation its epoch)
     * @param augmentation the augmentation
     * @param seed the seed of every augmentation generator
     * @return a dataset of (image, label) batches; with batch operations the labels are soft
     *     targets (B, classes)
     */
    default RandomAccessDataset train(InputSpec target, Sampler sampler, Augmentation augmentation, long seed) {
        if (augmentation.isNone()) {
            return train(target, sampler);
        }
        return AugmentedImages.builder()
                .source(trainSource())
                .input(target)
                .normalise(mean(), std())
                .augmentation(augmentation, classes())
                .seed(seed)
                .setSampling(sampler)
                .build();
    }

    /**
     * The training images, decoded on demand.
     *
     * @return the source
     */
    ImageSource trainSource();

    /**
     * Per-channel mean of the stored images in [0, 1], used to normalise them.
     *
     * @return 1 or 3 values
     */
    float[] mean();

    /**
     * Per-channel standard deviation of the stored images in [0, 1].
     *
     * @return 1 or 3 values
     */
    float[] std();

    /**
     * The number of training images, without preparing a dataset where the implementation knows
     * it (used to check a recipe before anything is written).
     *
     * @return images in the training split
     */
    default long trainCount() {
        return train(nativeInput(), new SeededSampler(1, false, 0)).size();
    }

    /**
     * The test split, in a fixed order.
     *
     * @param target the model's input
     * @param batchSize images per batch
     * @return a dataset of (image, label) batches
     */
    RandomAccessDataset test(InputSpec target, int batchSize);

    /**
     * The model input matching the stored images.
     *
     * @return the native input
     */
    default InputSpec nativeInput() {
        return new InputSpec(imageSize(), channels());
    }

    @Override
    void close();
}
