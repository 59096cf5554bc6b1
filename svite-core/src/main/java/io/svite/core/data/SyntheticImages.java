package io.svite.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small, learnable, made-up dataset for tests and smoke runs: grey images whose class decides
 * where a bright square sits, under noise.
 */
public final class SyntheticImages {

    private SyntheticImages() {}

    /**
     * Creates the dataset.
     *
     * @param classes number of classes, 2 … 16
     * @param trainCount training images
     * @param testCount test images
     * @param size side of the images, at least 8
     * @param seed the seed
     * @return the dataset
     */
    public static InMemoryImageData create(int classes, int trainCount, int testCount, int size, long seed) {
        if (classes < 2 || classes > 16) {
            throw new IllegalArgumentException("synthetic classes must be in 2..16, got " + classes);
        }
        if (size < 8) {
            throw new IllegalArgumentException("synthetic image size must be >= 8, got " + size);
        }
        Random random = new Random(seed);
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class" + c);
        }
        return new InMemoryImageData(
                "synthetic",
                names,
                images(classes, trainCount, size, random),
                images(classes, testCount, size, random),
                new float[] {0.3f},
                new float[] {0.3f});
    }

    private static ImageTensors images(int classes, int count, int size, Random random) {
        byte[] pixels = new byte[count * size * size];
        int[] labels = new int[count];
        int grid = 4;
        int cell = size / grid;
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(classes);
            labels[i] = label;
            int cx = (label % grid) * cell;
            int cy = (label / grid) * cell;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int v = random.nextInt(80);
                    if (x >= cx && x < cx + cell && y >= cy && y < cy + cell) {
                        v += 150;
                    }
                    pixels[i * size * size + y * size + x] = (byte) Math.min(255, v);
                }
            }
        }
        return new ImageTensors(pixels, labels, 1, size);
    }
}
