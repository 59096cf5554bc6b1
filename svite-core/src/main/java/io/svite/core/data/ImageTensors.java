package io.svite.core.data;

/**
 * Images and labels held in memory as bytes.
 *
 * @param pixels unsigned bytes, row-major (N, channels, size, size)
 * @param labels class indices, one per image
 * @param channels channels per image
 * @param size side of the square image
 */
public record ImageTensors(byte[] pixels, int[] labels, int channels, int size) {

    /** Checks that pixels and labels agree. */
    public ImageTensors {
        long expected = (long) labels.length * channels * size * size;
        if (pixels.length != expected) {
            throw new DataException(
                    "image data holds " + pixels.length + " bytes but " + labels.length + " labels of "
                            + channels + "×" + size + "×" + size + " images need " + expected);
        }
    }

    /**
     * Number of images.
     *
     * @return N
     */
    public int count() {
        return labels.length;
    }
}
