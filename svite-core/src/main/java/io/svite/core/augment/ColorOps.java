package io.svite.core.augment;

/**
 * The photometric operations shared by colour jitter and RandAugment, each an interpolation
 * between the image and a reference image by a factor f (f = 1 leaves the image unchanged), as
 * PIL's {@code ImageEnhance}; results are clamped to [0, 1].
 */
final class ColorOps {

    private ColorOps() {}

    /** Blend with black: v·f. */
    static Pixels brightness(Pixels in, double f) {
        float[] d = in.data();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = clamp(d[i] * f);
        }
        return new Pixels(out, in.channels(), in.height(), in.width());
    }

    /** Blend with the image's mean grey level. */
    static Pixels contrast(Pixels in, double f) {
        float[] grey = grey(in);
        double mean = 0;
        for (float g : grey) {
            mean += g;
        }
        mean /= grey.length;
        float[] d = in.data();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = clamp(mean + f * (d[i] - mean));
        }
        return new Pixels(out, in.channels(), in.height(), in.width());
    }

    /** Blend with the image's own grey version (a grey image is unchanged). */
    static Pixels saturation(Pixels in, double f) {
        if (in.channels() == 1) {
            return in;
        }
        float[] grey = grey(in);
        int plane = grey.length;
        float[] d = in.data();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            float g = grey[i % plane];
            out[i] = clamp(g + f * (d[i] - g));
        }
        return new Pixels(out, in.channels(), in.height(), in.width());
    }

    /** Blend with a smoothed image (3 × 3 kernel, centre weight 5 of 13; the border is kept). */
    static Pixels sharpness(Pixels in, double f) {
        int h = in.height();
        int w = in.width();
        float[] d = in.data();
        float[] out = d.clone();
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 1; y < h - 1; y++) {
                for (int x = 1; x < w - 1; x++) {
                    double sum = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            sum += in.get(c, y + dy, x + dx) * (dx == 0 && dy == 0 ? 5 : 1);
                        }
                    }
                    double smooth = sum / 13;
                    int i = (c * h + y) * w + x;
                    out[i] = clamp(smooth + f * (d[i] - smooth));
                }
            }
        }
        return new Pixels(out, in.channels(), h, w);
    }

    /** Inverts every value above the threshold. */
    static Pixels solarize(Pixels in, double threshold) {
        float[] d = in.data();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i] > threshold ? 1 - d[i] : d[i];
        }
        return new Pixels(out, in.channels(), in.height(), in.width());
    }

    /** Keeps the top {@code bits} bits of each value's 8-bit level. */
    static Pixels posterize(Pixels in, int bits) {
        int shift = 8 - bits;
        float[] d = in.data();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            int level = Math.round(d[i] * 255);
            out[i] = ((level >> shift) << shift) / 255f;
        }
        return new Pixels(out, in.channels(), in.height(), in.width());
    }

    /** The luma plane (ITU-R 601-2, as PIL's "L"), or the only channel of a grey image. */
    static float[] grey(Pixels in) {
        int plane = in.height() * in.width();
        float[] d = in.data();
        if (in.channels() == 1) {
            return java.util.Arrays.copyOf(d, plane);
        }
        float[] g = new float[plane];
        for (int i = 0; i < plane; i++) {
            g[i] = 0.299f * d[i] + 0.587f * d[plane + i] + 0.114f * d[2 * plane + i];
        }
        return g;
    }

    static float clamp(double v) {
        return (float) Math.min(1, Math.max(0, v));
    }
}
