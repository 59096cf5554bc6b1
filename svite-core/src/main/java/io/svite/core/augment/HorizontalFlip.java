package io.svite.core.augment;

import java.util.Random;

/** Mirrors an image left to right with a probability. */
public final class HorizontalFlip implements ImageOp {

    private final double probability;

    /**
     * Creates the op.
     *
     * @param probability the chance of a flip, in [0, 1]
     */
    public HorizontalFlip(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + probability);
        }
        this.probability = probability;
    }

    @Override
    public Pixels apply(Pixels image, Random random) {
        if (random.nextDouble() >= probability) {
            return image;
        }
        int w = image.width();
        float[] in = image.data();
        float[] out = new float[in.length];
        for (int row = 0; row < image.channels() * image.height(); row++) {
            int base = row * w;
            for (int x = 0; x < w; x++) {
                out[base + x] = in[base + w - 1 - x];
            }
        }
        return new Pixels(out, image.channels(), image.height(), w);
    }
}
