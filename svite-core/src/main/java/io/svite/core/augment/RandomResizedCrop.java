package io.svite.core.augment;

import java.util.Random;

/**
 * A random box of the image — a fraction of its area in [scaleMin, scaleMax] and an aspect ratio
 * whose logarithm is uniform in [log ratioMin, log ratioMax] — resized to size × size (bilinear).
 *
 * <p>Ten boxes are tried; if none fits, the largest centred box within the ratio range is used.
 * DeiT trains with scale [0.08, 1] and ratio [3/4, 4/3].
 */
public final class RandomResizedCrop implements ImageOp {

    private final int size;
    private final double scaleMin;
    private final double scaleMax;
    private final double logRatioMin;
    private final double logRatioMax;

    /**
     * Creates the op.
     *
     * @param size output side
     * @param scaleMin smallest fraction of the area, in (0, scaleMax]
     * @param scaleMax largest fraction of the area, at most 1
     * @param ratioMin smallest width/height, in (0, ratioMax]
     * @param ratioMax largest width/height
     */
    public RandomResizedCrop(int size, double scaleMin, double scaleMax, double ratioMin, double ratioMax) {
        if (size < 1) {
            throw new IllegalArgumentException("crop side must be >= 1, got " + size);
        }
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
            throw new IllegalArgumentException(
                    "crop scale must satisfy 0 < min <= max <= 1, got [" + scaleMin + ", " + scaleMax + "]");
        }
        if (!(ratioMin > 0 && ratioMin <= ratioMax && Double.isFinite(ratioMax))) {
            throw new IllegalArgumentException(
                    "crop ratio must satisfy 0 < min <= max, got [" + ratioMin + ", " + ratioMax + "]");
        }
        this.size = size;
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.logRatioMin = Math.log(ratioMin);
        this.logRatioMax = Math.log(ratioMax);
    }

    @Override
    public Pixels apply(Pixels image, Random random) {
        int h = image.height();
        int w = image.width();
        double area = (double) h * w;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (scaleMin + (scaleMax - scaleMin) * random.nextDouble());
            double ratio = Math.exp(logRatioMin + (logRatioMax - logRatioMin) * random.nextDouble());
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                int top = random.nextInt(h - ch + 1);
                int left = random.nextInt(w - cw + 1);
                return Resample.box(image, left, top, cw, ch, size, size);
            }
        }
        double ratio = (double) w / h;
        int cw = w;
        int ch = h;
        if (ratio < Math.exp(logRatioMin)) {
            ch = (int) Math.round(w / Math.exp(logRatioMin));
        } else if (ratio > Math.exp(logRatioMax)) {
            cw = (int) Math.round(h * Math.exp(logRatioMax));
        }
        return Resample.box(image, (w - cw) / 2, (h - ch) / 2, cw, ch, size, size);
    }
}
