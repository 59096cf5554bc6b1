package io.svite.examples.report;

/**
 * A sequential colour scale for heatmaps: values in [0, 1] to colours, linear between anchor
 * colours. {@link #viridis()} (dark blue → green → yellow) reads in order for colour-blind readers
 * and in grey.
 */
public final class ColourScale {

    private final int[] anchors;

    private ColourScale(int... anchors) {
        this.anchors = anchors.clone();
    }

    /**
     * The viridis scale, from five of its colours.
     *
     * @return the scale
     */
    public static ColourScale viridis() {
        return new ColourScale(0x440154, 0x3B528B, 0x21908C, 0x5DC863, 0xFDE725);
    }

    /**
     * The colour of a value.
     *
     * @param value in [0, 1]; values outside are clamped, NaN is the start
     * @return 0xRRGGBB
     */
    public int at(double value) {
        double v = Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value));
        double pos = v * (anchors.length - 1);
        int i = Math.min(anchors.length - 2, (int) Math.floor(pos));
        double f = pos - i;
        int a = anchors[i];
        int b = anchors[i + 1];
        int r = (int) Math.round(((a >> 16) & 0xFF) * (1 - f) + ((b >> 16) & 0xFF) * f);
        int g = (int) Math.round(((a >> 8) & 0xFF) * (1 - f) + ((b >> 8) & 0xFF) * f);
        int bl = (int) Math.round((a & 0xFF) * (1 - f) + (b & 0xFF) * f);
        return (r << 16) | (g << 8) | bl;
    }
}
