package io.svite.core.data;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * An ImageNet-style folder: one sub-folder per class of JPEG and PNG files, decoded by the
 * parallel pipeline's workers ({@link AugmentedImages}) as batches are drawn.
 *
 * <p>Layout: either {@code DIR/train/<class>/…} with {@code DIR/val/<class>/…} (or {@code
 * DIR/test}), or {@code DIR/<class>/…}, which is split deterministically into 90 % training and
 * 10 % test images.
 */
public final class FolderImageData implements ImageData {

    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final Path trainDir;
    private final Path testDir;
    private final int imageSize;
    private final List<String> classes;
    private FileImages trainFiles;
    private FileImages testFiles;

    private FolderImageData(Path trainDir, Path testDir, int imageSize, List<String> classes) {
        this.trainDir = trainDir;
        this.testDir = testDir;
        this.imageSize = imageSize;
        this.classes = classes;
    }

    /**
     * Opens a folder.
     *
     * @param root the folder
     * @param imageSize side images are resized to when the model does not ask for another
     * @return the dataset
     * @throws DataException if the folder does not exist, has fewer than two class folders, holds no
     *     image or a file that is not a readable JPEG or PNG (named)
     */
    public static FolderImageData open(Path root, int imageSize) {
        if (!Files.isDirectory(root)) {
            throw new DataException("image folder " + root + " does not exist or is not a folder;"
                    + " give a folder with one sub-folder of images per class (optionally under train/ and val/)");
        }
        Path train = root.resolve("train");
        Path test = Files.isDirectory(root.resolve("val")) ? root.resolve("val") : root.resolve("test");
        if (Files.isDirectory(train) && Files.isDirectory(test)) {
            List<String> classes = classFolders(train);
            List<String> testClasses = classFolders(test);
            if (!classes.equals(testClasses)) {
                throw new DataException("class folders of " + train + " " + classes + " and " + test + " "
                        + testClasses + " differ");
            }
            FolderImageData data = new FolderImageData(train, test, imageSize, classes);
            data.trainImages();
            return data;
        }
        FolderImageData data = new FolderImageData(root, null, imageSize, classFolders(root));
        data.trainImages();
        return data;
    }

    private static List<String> classFolders(Path dir) {
        List<String> names = new ArrayList<>();
        try (var stream = Files.list(dir)) {
            stream.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .forEach(names::add);
        } catch (IOException e) {
            throw new DataException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (names.size() < 2) {
            throw new DataException(dir + " needs one sub-folder of images per class (at least 2), found "
                    + names.size());
        }
        return Collections.unmodifiableList(names);
    }

    @Override
    public String name() {
        return "folder:" + (testDir == null ? trainDir : trainDir.getParent()).getFileName();
    }

    @Override
    public List<String> classNames() {
        return classes;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public RandomAccessDataset train(InputSpec target, Sampler sampler) {
        return dataset(trainImages(), target, sampler);
    }

    @Override
    public RandomAccessDataset test(InputSpec target, int batchSize) {
        return dataset(testImages(), target, new SeededSampler(batchSize, false, 0));
    }

    @Override
    public ImageSource trainSource() {
        return trainImages();
    }

    @Override
    public float[] mean() {
        return MEAN.clone();
    }

    @Override
    public float[] std() {
        return STD.clone();
    }

    @Override
    public long trainCount() {
        return trainImages().size();
    }

    /** The training images: the train/ folder, or 90 % of the class folders. */
    private synchronized FileImages trainImages() {
        if (trainFiles == null) {
            FileImages all = FileImages.scan(trainDir, classes, 3);
            if (testDir == null) {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new Random(20_211_012L));
                int testCount = Math.max(1, all.size() / 10);
                List<Integer> test = new ArrayList<>(order.subList(0, testCount));
                List<Integer> train = new ArrayList<>(order.subList(testCount, order.size()));
                Collections.sort(test);
                Collections.sort(train);
                trainFiles = all.subset(train);
                testFiles = all.subset(test);
            } else {
                trainFiles = all;
                testFiles = FileImages.scan(testDir, classes, 3);
            }
        }
        return trainFiles;
    }

    private synchronized FileImages testImages() {
        trainImages();
        return testFiles;
    }

    /** Decoded and resized by the parallel pipeline, without augmentation. */
    private RandomAccessDataset dataset(FileImages images, InputSpec target, Sampler sampler) {
        return AugmentedImages.builder()
                .source(images)
                .input(target)
                .normalise(MEAN, STD)
                .setSampling(sampler)
                .build();
    }

    @Override
    public void close() {}
}
