package io.svite.core.augment;

import java.util.Random;

/** Resizes an image to size × size (bilinear), the deterministic input of evaluation and of data without crops. */
public final class Resize implements ImageOp {

    private final int size;

    /**
     * Creates the op.
     *
     * @param size the output side, at least 1
     */
    public Resize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("resize side must be >= 1, got " + size);
        }
        this.size = size;
    }

    @Override
    public Pixels apply(Pixels image, Random random) {
        return Resample.box(image, 0, 0, image.width(), image.height(), size, size);
    }
}
