package io.svite.core.augment;

import java.util.List;
import java.util.Random;

/**
 * RandAugment (Cubuk et al., 2020): n operations drawn uniformly (with repetition) from a fixed list,
 * each at magnitude m of 10, with a random sign where the operation has a direction.
 *
 * <p>The list: rotate (±30°·m/10), shear x and y (±0.3·m/10), translate x and y (±0.45·m/10 of the
 * side), brightness, colour, contrast and sharpness (factor 1 ± 0.9·m/10), solarize (threshold 1 −
 * m/10) and posterize (8 − round(4·m/10) bits). Unlike timm's list it leaves out auto-contrast,
 * equalize and invert, which ignore the magnitude, so that magnitude 0 is exactly the identity.
 * Geometric operations fill uncovered pixels with grey 0.5. DeiT uses n = 2, m = 9.
 */
public final class RandAugment implements ImageOp {

    /** The largest magnitude. */
    public static final int MAX_MAGNITUDE = 10;

    /** The operations' names, in the order they are drawn from. */
    public static final List<String> OPERATIONS = List.of("rotate", "shear-x", "shear-y", "translate-x", "translate-y",
            "brightness", "color", "contrast", "sharpness", "solarize", "posterize");

    private static final float FILL = 0.5f;

    private final int n;
    private final double magnitude;

    /**
     * Creates the op.
     *
     * @param n operations per image, >= 0
     * @param magnitude m in [0, 10]
     */
    public RandAugment(int n, double magnitude) {
        if (n < 0) {
            throw new IllegalArgumentException("RandAugment's number of operations must be >= 0, got " + n);
        }
        if (!(magnitude >= 0 && magnitude <= MAX_MAGNITUDE)) {
            throw new IllegalArgumentException(
                    "RandAugment magnitude must be in [0, " + MAX_MAGNITUDE + "], got " + magnitude);
        }
        this.n = n;
        this.magnitude = magnitude;
    }

    @Override
    public Pixels apply(Pixels image, Random random) {
        Pixels out = image;
        for (int i = 0; i < n; i++) {
            int op = random.nextInt(OPERATIONS.size());
            double sign = random.nextBoolean() ? 1 : -1;
            out = apply(out, op, magnitude / MAX_MAGNITUDE, sign);
        }
        return out;
    }

    /**
     * One operation at a level.
     *
     * @param image the image
     * @param op the index into {@link #OPERATIONS}
     * @param level m / 10 in [0, 1]
     * @param sign ±1 for directed operations
     * @return the result; the image itself at level 0
     */
    static Pixels apply(Pixels image, int op, double level, double sign) {
        if (level == 0) {
            return image;
        }
        double factor = 1 + sign * 0.9 * level;
        switch (op) {
            case 0: {
                double a = Math.toRadians(sign * 30 * level);
                return Resample.affine(image, Math.cos(a), Math.sin(a), 0, -Math.sin(a), Math.cos(a), 0, FILL);
            }
            case 1:
                return Resample.affine(image, 1, sign * 0.3 * level, 0, 0, 1, 0, FILL);
            case 2:
                return Resample.affine(image, 1, 0, 0, sign * 0.3 * level, 1, 0, FILL);
            case 3:
                return Resample.affine(image, 1, 0, sign * 0.45 * level * image.width(), 0, 1, 0, FILL);
            case 4:
                return Resample.affine(image, 1, 0, 0, 0, 1, sign * 0.45 * level * image.height(), FILL);
            case 5:
                return ColorOps.brightness(image, factor);
            case 6:
                return ColorOps.saturation(image, factor);
            case 7:
                return ColorOps.contrast(image, factor);
            case 8:
                return ColorOps.sharpness(image, factor);
            case 9:
                return ColorOps.solarize(image, 1 - level);
            case 10:
                return ColorOps.posterize(image, 8 - (int) Math.round(4 * level));
            default:
                throw new IllegalArgumentException("no RandAugment operation " + op);
        }
    }
}
