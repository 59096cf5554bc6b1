package io.svite.core.data;

import ai.djl.basicdataset.cv.classification.ImageFolder;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.TranslateException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * An ImageNet-style folder: one sub-folder per class, images read lazily as batches are drawn.
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
     * @throws DataException if the folder does not exist or has no class folders
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
            return new FolderImageData(train, test, imageSize, classes);
        }
        return new FolderImageData(root, null, imageSize, classFolders(root));
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
        ImageFolder folder = folder(trainDir, target, sampler);
        return testDir == null ? split(folder, true, sampler) : folder;
    }

    @Override
    public RandomAccessDataset test(InputSpec target, int batchSize) {
        Sampler sampler = new SeededSampler(batchSize, false, 0);
        if (testDir == null) {
            return split(folder(trainDir, target, sampler), false, sampler);
        }
        return folder(testDir, target, sampler);
    }

    private RandomAccessDataset split(ImageFolder folder, boolean train, Sampler sampler) {
        int n = Math.toIntExact(folder.size());
        List<Long> order = new ArrayList<>(n);
        for (long i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(20_211_012L));
        int testCount = Math.max(1, n / 10);
        List<Long> part = train ? order.subList(testCount, n) : order.subList(0, testCount);
        List<Long> sorted = new ArrayList<>(part);
        Collections.sort(sorted);
        return folder.subDataset(sorted);
    }

    private ImageFolder folder(Path dir, InputSpec target, Sampler sampler) {
        ImageFolder folder =
                ImageFolder.builder()
                        .setRepositoryPath(dir)
                        .optImageSize(target.imageSize())
                        .optFlag(target.channels() == 1 ? Image.Flag.GRAYSCALE : Image.Flag.COLOR)
                        .addTransform(hwc -> hwc.transpose(2, 0, 1))
                        .addTransform(new ImageBatchTransform(target, MEAN, STD))
                        .addTargetTransform(label -> label.toType(DataType.FLOAT32, false))
                        .setSampling(sampler)
                        .build();
        try {
            folder.prepare();
        } catch (IOException | TranslateException | IllegalArgumentException e) {
            throw new DataException("cannot read image folder " + dir + ": " + e.getMessage(), e);
        }
        if (folder.size() == 0) {
            throw new DataException(dir + " holds no images (.jpg, .jpeg, .png) in its class folders");
        }
        return folder;
    }

    @Override
    public void close() {}
}
