package io.svite.core.data;

/**
 * What a model expects as input: square images of a given side and channel count.
 *
 * @param imageSize side in pixels
 * @param channels 1 for grey, 3 for RGB
 */
public record InputSpec(int imageSize, int channels) {

    /** Checks the values. */
    public InputSpec {
        if (imageSize < 1) {
            throw new IllegalArgumentException("image size must be >= 1, got " + imageSize);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
    }
}
