package io.svite.core.augment;

/**
 * One image as floats in [0, 1], channels first: the form every per-image augmentation reads and
 * writes (plain Java arrays, so worker threads can transform images while the step trains).
 *
 * @param data row-major (channels, height, width) values
 * @param channels 1 (grey) or 3 (RGB)
 * @param height rows
 * @param width columns
 */
public record Pixels(float[] data, int channels, int height, int width) {

    /** Checks that the array holds exactly channels × height × width values. */
    public Pixels {
        if (channels < 1 || height < 1 || width < 1 || data.length != (long) channels * height * width) {
            throw new IllegalArgumentException("an image of " + channels + "×" + height + "×" + width + " needs "
                    + (long) channels * height * width + " values, got " + data.length);
        }
    }

    /**
     * An image from unsigned bytes (0 … 255 → 0 … 1).
     *
     * @param bytes the bytes, (channels, height, width) from {@code offset}
     * @param offset where the image starts
     * @param channels channels
     * @param height rows
     * @param width columns
     * @return the image
     */
    public static Pixels fromBytes(byte[] bytes, int offset, int channels, int height, int width) {
        float[] data = new float[channels * height * width];
        for (int i = 0; i < data.length; i++) {
            data[i] = (bytes[offset + i] & 0xff) / 255f;
        }
        return new Pixels(data, channels, height, width);
    }

    /**
     * A blank image of this one's shape.
     *
     * @return zeros
     */
    Pixels blank() {
        return new Pixels(new float[data.length], channels, height, width);
    }

    /**
     * A value.
     *
     * @param c channel
     * @param y row
     * @param x column
     * @return the value
     */
    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }
}
