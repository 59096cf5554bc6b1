package io.svite.core.augment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Random brightness, contrast and saturation, each by a factor uniform in [max(0, 1 − j), 1 + j],
 * applied in a random order; a strength of 0 leaves that property alone.
 */
public final class ColorJitter implements ImageOp {

    private final double brightness;
    private final double contrast;
    private final double saturation;

    /**
     * Creates the op.
     *
     * @param brightness strength j of the brightness factor, >= 0
     * @param contrast strength of the contrast factor, >= 0
     * @param saturation strength of the saturation factor, >= 0
     */
    public ColorJitter(double brightness, double contrast, double saturation) {
        for (double j : new double[] {brightness, contrast, saturation}) {
            if (!(j >= 0 && Double.isFinite(j))) {
                throw new IllegalArgumentException("colour jitter strengths must be >= 0, got " + j);
            }
        }
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
    }

    @Override
    public Pixels apply(Pixels image, Random random) {
        List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
        Collections.shuffle(order, random);
        Pixels out = image;
        for (int which : order) {
            double j = which == 0 ? brightness : which == 1 ? contrast : saturation;
            if (j == 0) {
                continue;
            }
            double f = Math.max(0, 1 - j) + (1 + j - Math.max(0, 1 - j)) * random.nextDouble();
            out = which == 0 ? ColorOps.brightness(out, f) : which == 1 ? ColorOps.contrast(out, f) : ColorOps.saturation(out, f);
        }
        return out;
    }
}
