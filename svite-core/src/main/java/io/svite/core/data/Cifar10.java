package io.svite.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads CIFAR-10 (50,000 training and 10,000 test RGB 32×32 images, 10 classes) from the binary
 * version's files in a local folder.
 *
 * <p>The folder (or its {@code cifar-10-batches-bin} sub-folder) holds {@code data_batch_1.bin}
 * … {@code data_batch_5.bin} and {@code test_batch.bin}; each record is one label byte followed by
 * 3,072 pixel bytes (the red, green and blue 32×32 planes). Class names come from {@code
 * batches.meta.txt} when present.
 */
public final class Cifar10 {

    private static final int RECORD = 1 + 3 * 32 * 32;
    private static final List<String> DEFAULT_CLASSES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    private static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    private static final float[] STD = {0.2470f, 0.2435f, 0.2616f};

    private Cifar10() {}

    /**
     * Loads the dataset from a folder.
     *
     * @param folder the folder with the {@code .bin} files
     * @return the dataset
     * @throws DataException if files are missing, unreadable or of the wrong length
     */
    public static InMemoryImageData load(Path folder) {
        Path dir = folder;
        if (!Files.isRegularFile(dir.resolve("test_batch.bin")) && Files.isDirectory(dir.resolve("cifar-10-batches-bin"))) {
            dir = dir.resolve("cifar-10-batches-bin");
        }
        List<Path> trainFiles = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Path p = dir.resolve("data_batch_" + i + ".bin");
            if (Files.isRegularFile(p)) {
                trainFiles.add(p);
            } else {
                missing.add(p.getFileName().toString());
            }
        }
        Path testFile = dir.resolve("test_batch.bin");
        if (!Files.isRegularFile(testFile)) {
            missing.add("test_batch.bin");
        }
        if (!Files.isDirectory(folder) || !missing.isEmpty()) {
            throw new DataException(
                    "CIFAR-10 not found in " + folder + (Files.isDirectory(folder) ? " (missing " + String.join(", ", missing) + ")" : " (no such folder)")
                            + "; download the binary version (cifar-10-binary.tar.gz) from"
                            + " https://www.cs.toronto.edu/~kriz/cifar.html and pass its folder with --data");
        }
        ImageTensors train = read(trainFiles);
        ImageTensors test = read(List.of(testFile));
        return new InMemoryImageData("cifar10", classNames(dir), train, test, MEAN, STD);
    }

    private static List<String> classNames(Path dir) {
        Path meta = dir.resolve("batches.meta.txt");
        if (Files.isRegularFile(meta)) {
            try {
                List<String> names = new ArrayList<>();
                for (String line : Files.readAllLines(meta, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        names.add(line.trim());
                    }
                }
                if (names.size() == 10) {
                    return names;
                }
            } catch (IOException e) {
                // fall back to the standard names below
            }
        }
        return DEFAULT_CLASSES;
    }

    private static ImageTensors read(List<Path> files) {
        List<byte[]> contents = new ArrayList<>();
        int records = 0;
        for (Path f : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new DataException("cannot read " + f + ": " + e.getMessage(), e);
            }
            if (bytes.length == 0 || bytes.length % RECORD != 0) {
                throw new DataException(
                        f + " has " + bytes.length + " bytes, not a whole number of 3,073-byte CIFAR-10 records;"
                                + " it is truncated or not the binary version");
            }
            contents.add(bytes);
            records += bytes.length / RECORD;
        }
        byte[] pixels = new byte[records * (RECORD - 1)];
        int[] labels = new int[records];
        int r = 0;
        for (byte[] bytes : contents) {
            for (int off = 0; off < bytes.length; off += RECORD, r++) {
                labels[r] = bytes[off] & 0xff;
                if (labels[r] > 9) {
                    throw new DataException("CIFAR-10 record " + r + " has label " + labels[r] + ", outside 0..9");
                }
                System.arraycopy(bytes, off + 1, pixels, r * (RECORD - 1), RECORD - 1);
            }
        }
        return new ImageTensors(pixels, labels, 3, 32);
    }
}
