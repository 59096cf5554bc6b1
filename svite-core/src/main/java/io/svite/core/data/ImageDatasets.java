package io.svite.core.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Opens an image dataset by its kind, the name a recipe records: {@code fashion-mnist}, {@code
 * cifar10}, {@code folder} or {@code synthetic}.
 *
 * <pre>{@code
 * try (ImageData data = ImageDatasets.open("fashion-mnist", null, 28, 42)) {
 *     RandomAccessDataset test = data.test(new InputSpec(28, 1), 128);
 * }
 * }</pre>
 */
public final class ImageDatasets {

    /** The dataset kinds {@link #open} knows, in the order messages list them. */
    public static final List<String> KINDS = List.of("fashion-mnist", "cifar10", "folder", "synthetic");

    private ImageDatasets() {}

    /**
     * Opens a dataset.
     *
     * @param kind one of {@link #KINDS}
     * @param dir the dataset folder, or null to search the default places (Fashion-MNIST only)
     * @param imageSize the model's input side (images of a folder dataset are resized to it)
     * @param seed the seed of the synthetic dataset (2,048 training and 512 test images of 28 × 28
     *     pixels in 10 classes)
     * @return the open dataset; the caller closes it
     * @throws IllegalArgumentException for an unknown kind or a kind that needs a folder
     * @throws DataException if the files are missing or unreadable
     */
    public static ImageData open(String kind, Path dir, int imageSize, long seed) {
        Optional<Path> folder = Optional.ofNullable(dir);
        switch (kind) {
            case "fashion-mnist":
                return FashionMnist.load(folder);
            case "cifar10":
                return Cifar10.load(
                        folder.orElseThrow(() -> new IllegalArgumentException("--dataset cifar10 needs --data DIR")));
            case "folder":
                return FolderImageData.open(
                        folder.orElseThrow(() -> new IllegalArgumentException("--dataset folder needs --data DIR")),
                        imageSize);
            case "synthetic":
                return SyntheticImages.create(10, 2048, 512, 28, seed);
            default:
                throw new IllegalArgumentException("unknown dataset '" + kind + "'; known: " + String.join(", ", KINDS));
        }
    }

    /**
     * Checks a dataset kind without opening anything.
     *
     * @param kind the kind
     * @return the kind
     * @throws IllegalArgumentException if it is not one of {@link #KINDS}
     */
    public static String checkKind(String kind) {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown dataset '" + kind + "'; known: " + String.join(", ", KINDS));
        }
        return kind;
    }
}
