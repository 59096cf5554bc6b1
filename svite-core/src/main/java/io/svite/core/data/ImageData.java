package io.svite.core.data;

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
