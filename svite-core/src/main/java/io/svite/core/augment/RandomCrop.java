package io.svite.core.augment;

import java.util.Random;

/**
 * The CIFAR crop: the image (resized to size × size first if it is not) padded with black on every
 * side, then a random size × size window of it.
 */
public final class RandomCrop implements ImageOp {

    private final int size;
    private final int padding;

    /**
     * Creates the op.
     *
     * @param size output side
     * @param padding pixels of padding on each side, at least 0
     */
    public RandomCrop(int size, int padding) {
        if (size < 1 || padding < 0) {
            throw new IllegalArgumentException("random crop needs side >= 1 and padding >= 0, got " + size + " and " + padding);
        }
        this.size = size;
        this.padding = padding;
    }

    @Override
    public Pixels apply(Pixels image, Random random) {
        Pixels in = Resample.box(image, 0, 0, image.width(), image.height(), size, size);
        int dy = random.nextInt(2 * padding + 1) - padding;
        int dx = random.nextInt(2 * padding + 1) - padding;
        if (dx == 0 && dy == 0) {
            return in;
        }
        float[] out = new float[in.data().length];
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < size; y++) {
                int sy = y + dy;
                if (sy < 0 || sy >= size) {
                    continue;
                }
                for (int x = 0; x < size; x++) {
                    int sx = x + dx;
                    if (sx >= 0 && sx < size) {
                        out[(c * size + y) * size + x] = in.get(c, sy, sx);
                    }
                }
            }
        }
        return new Pixels(out, in.channels(), size, size);
    }
}
