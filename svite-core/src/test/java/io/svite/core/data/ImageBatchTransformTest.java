package io.svite.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class ImageBatchTransformTest {

    @Test
    void greyBatchesBecomeNormalisedRgbOfTheModelsSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray grey = m.full(new Shape(2, 1, 28, 28), 51, DataType.UINT8);
            NDArray out =
                    new ImageBatchTransform(new InputSpec(56, 3), new float[] {0.2f}, new float[] {0.5f}).transform(grey);
            assertEquals(new Shape(2, 3, 56, 56), out.getShape());
            assertEquals(DataType.FLOAT32, out.getDataType());
            // 51/255 = 0.2 → (0.2 − 0.2)/0.5 = 0 everywhere, also after bilinear resizing
            assertEquals(0f, out.abs().max().getFloat(), 1e-5);
        }
    }

    @Test
    void colourImagesAreAveragedToGreyForAGreyModel() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray rgb = m.create(new byte[] {0, (byte) 30, (byte) 60}, new Shape(3, 1, 1)).toType(DataType.UINT8, false);
            NDArray out =
                    new ImageBatchTransform(new InputSpec(1, 1), new float[] {0f, 0f, 0f}, new float[] {1f, 1f, 1f})
                            .transform(rgb);
            assertEquals(new Shape(1, 1, 1), out.getShape());
            assertEquals(30 / 255f, out.getFloat(0, 0, 0), 1e-6);
        }
    }
}
