package io.svite.core.augment;

/**
 * Bilinear resampling of {@link Pixels}: a box of the source to an output size, and inverse affine
 * maps (rotation, shear, translation) about the image centre.
 */
final class Resample {

    private Resample() {}

    /**
     * The box [x0, x0 + w) × [y0, y0 + h) of an image, resized to outW × outH with pixel centres
     * aligned as PyTorch's {@code align_corners=false}; samples outside the image take the edge.
     */
    static Pixels box(Pixels in, double x0, double y0, double w, double h, int outW, int outH) {
        if (x0 == 0 && y0 == 0 && w == in.width() && h == in.height() && outW == in.width() && outH == in.height()) {
            return in;
        }
        float[] out = new float[in.channels() * outH * outW];
        double sx = w / outW;
        double sy = h / outH;
        for (int oy = 0; oy < outH; oy++) {
            double y = y0 + (oy + 0.5) * sy - 0.5;
            for (int ox = 0; ox < outW; ox++) {
                double x = x0 + (ox + 0.5) * sx - 0.5;
                for (int c = 0; c < in.channels(); c++) {
                    out[(c * outH + oy) * outW + ox] = clampedSample(in, c, x, y);
                }
            }
        }
        return new Pixels(out, in.channels(), outH, outW);
    }

    /**
     * An affine warp: output pixel (x, y), relative to the centre, reads the source at (a·x + b·y + tx,
     * d·x + e·y + ty) relative to the centre; outside the source the value is {@code fill}.
     */
    static Pixels affine(Pixels in, double a, double b, double tx, double d, double e, double ty, float fill) {
        int h = in.height();
        int w = in.width();
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        float[] out = new float[in.data().length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double rx = x - cx;
                double ry = y - cy;
                double srcX = a * rx + b * ry + tx + cx;
                double srcY = d * rx + e * ry + ty + cy;
                for (int c = 0; c < in.channels(); c++) {
                    out[(c * h + y) * w + x] = filledSample(in, c, srcX, srcY, fill);
                }
            }
        }
        return new Pixels(out, in.channels(), h, w);
    }

    private static float clampedSample(Pixels in, int c, double x, double y) {
        x = Math.min(Math.max(x, 0), in.width() - 1);
        y = Math.min(Math.max(y, 0), in.height() - 1);
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        int x1 = Math.min(x0 + 1, in.width() - 1);
        int y1 = Math.min(y0 + 1, in.height() - 1);
        double fx = x - x0;
        double fy = y - y0;
        double top = in.get(c, y0, x0) * (1 - fx) + in.get(c, y0, x1) * fx;
        double bottom = in.get(c, y1, x0) * (1 - fx) + in.get(c, y1, x1) * fx;
        return (float) (top * (1 - fy) + bottom * fy);
    }

    private static float filledSample(Pixels in, int c, double x, double y, float fill) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        double v = value(in, c, x0, y0, fill) * (1 - fx) * (1 - fy)
                + value(in, c, x0 + 1, y0, fill) * fx * (1 - fy)
                + value(in, c, x0, y0 + 1, fill) * (1 - fx) * fy
                + value(in, c, x0 + 1, y0 + 1, fill) * fx * fy;
        return (float) v;
    }

    private static float value(Pixels in, int c, int x, int y, float fill) {
        return x < 0 || y < 0 || x >= in.width() || y >= in.height() ? fill : in.get(c, y, x);
    }
}
