package io.svite.core.data;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Transform;

/**
 * Turns a batch of byte images into what a model expects: floats in [0, 1], the model's channel
 * count and size (bilinear), normalised per channel.
 *
 * <p>Shapes: (B, C, S, S) or (C, S, S) unsigned bytes → (B, C', S', S') float32, with grey images
 * repeated to three channels or colour ones averaged to one as needed. All work happens on the
 * batch's own manager and device.
 */
public final class ImageBatchTransform implements Transform {

    private final InputSpec target;
    private final float[] mean;
    private final float[] std;

    /**
     * Creates the transform.
     *
     * @param target the model's input
     * @param mean per-channel mean of the source images in [0, 1] (1 or 3 values)
     * @param std per-channel standard deviation of the source images
     */
    public ImageBatchTransform(InputSpec target, float[] mean, float[] std) {
        this.target = target;
        this.mean = adapt(mean, target.channels());
        this.std = adapt(std, target.channels());
    }

    @Override
    public NDArray transform(NDArray array) {
        boolean single = array.getShape().dimension() == 3;
        NDArray x = single ? array.expandDims(0) : array;
        x = x.toType(DataType.FLOAT32, false).div(255f);
        long channels = x.getShape().get(1);
        if (channels == 1 && target.channels() == 3) {
            x = x.repeat(1, 3);
        } else if (channels == 3 && target.channels() == 1) {
            x = x.mean(new int[] {1}, true);
        }
        if (x.getShape().get(2) != target.imageSize() || x.getShape().get(3) != target.imageSize()) {
            NDArray hwc = x.transpose(0, 2, 3, 1);
            x = NDImageUtils.resize(hwc, target.imageSize(), target.imageSize(), Image.Interpolation.BILINEAR)
                    .transpose(0, 3, 1, 2);
        }
        Shape perChannel = new Shape(1, target.channels(), 1, 1);
        NDArray m = x.getManager().create(mean, perChannel);
        NDArray s = x.getManager().create(std, perChannel);
        x = x.sub(m).div(s);
        return single ? x.squeeze(0) : x;
    }

    private static float[] adapt(float[] values, int channels) {
        if (values.length == channels) {
            return values.clone();
        }
        float avg = 0;
        for (float v : values) {
            avg += v;
        }
        avg /= values.length;
        float[] out = new float[channels];
        java.util.Arrays.fill(out, avg);
        return out;
    }
}
