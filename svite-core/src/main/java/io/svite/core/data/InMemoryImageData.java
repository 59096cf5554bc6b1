package io.svite.core.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.Pipeline;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * An {@link ImageData} whose images are small enough to keep in memory as bytes (Fashion-MNIST,
 * CIFAR-10, synthetic data); batches are converted to floats and resized as they are drawn.
 */
public final class InMemoryImageData implements ImageData {

    private final String name;
    private final List<String> classNames;
    private final ImageTensors trainImages;
    private final ImageTensors testImages;
    private final float[] mean;
    private final float[] std;
    private final NDManager manager;

    /**
     * Creates the dataset.
     *
     * @param name short name
     * @param classNames class names, index = label
     * @param train training images
     * @param test test images
     * @param mean per-channel mean in [0, 1]
     * @param std per-channel standard deviation
     */
    public InMemoryImageData(
            String name, List<String> classNames, ImageTensors train, ImageTensors test, float[] mean, float[] std) {
        if (train.channels() != test.channels() || train.size() != test.size()) {
            throw new DataException("training and test images of " + name + " differ in shape");
        }
        this.name = name;
        this.classNames = List.copyOf(classNames);
        this.trainImages = train;
        this.testImages = test;
        this.mean = mean.clone();
        this.std = std.clone();
        this.manager = NDManager.newBaseManager();
        checkLabels(train);
        checkLabels(test);
    }

    private void checkLabels(ImageTensors images) {
        for (int label : images.labels()) {
            if (label < 0 || label >= classNames.size()) {
                throw new DataException(
                        name + " has a label " + label + " outside 0.." + (classNames.size() - 1));
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int channels() {
        return trainImages.channels();
    }

    @Override
    public int imageSize() {
        return trainImages.size();
    }

    @Override
    public long trainCount() {
        return trainImages.count();
    }

    /**
     * The training images as stored.
     *
     * @return training images
     */
    public ImageTensors trainImages() {
        return trainImages;
    }

    /**
     * The test images as stored.
     *
     * @return test images
     */
    public ImageTensors testImages() {
        return testImages;
    }

    @Override
    public ImageSource trainSource() {
        return ImageSource.of(trainImages);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public RandomAccessDataset train(InputSpec target, Sampler sampler) {
        return dataset(trainImages, target, sampler);
    }

    @Override
    public RandomAccessDataset test(InputSpec target, int batchSize) {
        return dataset(testImages, target, new SeededSampler(batchSize, false, 0));
    }

    private RandomAccessDataset dataset(ImageTensors images, InputSpec target, Sampler sampler) {
        int s = images.size();
        NDArray pixels =
                manager.create(
                        ByteBuffer.wrap(images.pixels()),
                        new Shape(images.count(), images.channels(), s, s),
                        DataType.UINT8);
        float[] labels = new float[images.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = images.labels()[i];
        }
        NDArray labelArray = manager.create(labels);
        return new ArrayDataset.Builder()
                .setData(pixels)
                .optLabels(labelArray)
                .setSampling(sampler)
                .optPipeline(new Pipeline(new ImageBatchTransform(target, mean, std)))
                .build();
    }

    @Override
    public void close() {
        manager.close();
    }
}
