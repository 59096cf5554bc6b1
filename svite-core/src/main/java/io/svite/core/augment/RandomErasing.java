package io.svite.core.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * Random erasing (Zhong et al., 2020) on a whole batch: each image, with a probability, gets one
 * rectangle — area a fraction of the image in [0.02, 1/3], aspect ratio log-uniform in [0.3, 1/0.3] —
 * filled with one random normal colour per channel (in normalised units, timm's "rand" mode).
 *
 * <p>The boxes and colours are drawn in Java (six numbers per image); the erasing itself is one
 * mask built from index comparisons and one blend on the batch's device.
 */
public final class RandomErasing implements BatchOp {

    private static final double MIN_AREA = 0.02;
    private static final double MAX_AREA = 1 / 3.0;
    private static final double LOG_RATIO = Math.log(0.3);

    private final double probability;

    /**
     * Creates the op.
     *
     * @param probability the chance that an image gets a rectangle, in [0, 1]
     */
    public RandomErasing(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("random erasing probability must be in [0, 1], got " + probability);
        }
        this.probability = probability;
    }

    @Override
    public NDList apply(NDArray images, NDArray targets, Random random) {
        Shape s = images.getShape();
        int b = (int) s.get(0);
        int c = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        float[] top = new float[b];
        float[] bottom = new float[b];
        float[] left = new float[b];
        float[] right = new float[b];
        float[] colour = new float[b * c];
        for (int i = 0; i < b; i++) {
            if (random.nextDouble() >= probability) {
                continue;
            }
            for (int attempt = 0; attempt < 10; attempt++) {
                double area = h * w * (MIN_AREA + (MAX_AREA - MIN_AREA) * random.nextDouble());
                double ratio = Math.exp(LOG_RATIO + (-2 * LOG_RATIO) * random.nextDouble());
                int eh = (int) Math.round(Math.sqrt(area * ratio));
                int ew = (int) Math.round(Math.sqrt(area / ratio));
                if (eh > 0 && ew > 0 && eh < h && ew < w) {
                    top[i] = random.nextInt(h - eh + 1);
                    left[i] = random.nextInt(w - ew + 1);
                    bottom[i] = top[i] + eh;
                    right[i] = left[i] + ew;
                    for (int ch = 0; ch < c; ch++) {
                        colour[i * c + ch] = (float) random.nextGaussian();
                    }
                    break;
                }
            }
        }
        NDManager m = images.getManager();
        Shape perImage = new Shape(b, 1, 1, 1);
        NDArray rows = m.arange(0f, h, 1f).reshape(1, 1, h, 1).toDevice(images.getDevice(), false);
        NDArray cols = m.arange(0f, w, 1f).reshape(1, 1, 1, w).toDevice(images.getDevice(), false);
        NDArray inRows = rows.gte(m.create(top, perImage)).logicalAnd(rows.lt(m.create(bottom, perImage)));
        NDArray inCols = cols.gte(m.create(left, perImage)).logicalAnd(cols.lt(m.create(right, perImage)));
        NDArray mask = inRows.logicalAnd(inCols).toType(images.getDataType(), false);
        NDArray fill = m.create(colour, new Shape(b, c, 1, 1)).toType(images.getDataType(), false);
        NDArray erased = images.mul(mask.neg().add(1)).add(fill.mul(mask));
        return new NDList(erased, targets);
    }
}
