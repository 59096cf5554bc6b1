package io.svite.examples.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Draws binary masks as pictures: a weight mask as a heatmap (the paper's Figure A6) and the
 * surviving heads or neurons of every block as a grid (Figure A7).
 *
 * <p>Convention: a pruned (zero) entry is a black pixel, a kept one a light pixel, with no frame or
 * text, so the number of black pixels is exactly (zeros × scale²) and a picture can be checked
 * against its mask. The report puts these rasters into labelled {@link Figure}s, pixel for pixel.
 */
public final class MaskImages {

    /** The colour of a pruned entry. */
    public static final int PRUNED = 0x000000;
    /** The colour of a kept weight. */
    public static final int KEPT = 0xF2F2F2;
    /** The colour of a surviving head or neuron. */
    public static final int ALIVE = 0x2E86C1;

    private MaskImages() {}

    /**
     * Draws a weight mask, one square of {@code scale}×{@code scale} pixels per entry.
     *
     * <p>Shape: a linear weight (out, in) is drawn as {@code rows = out}, {@code cols = in}; a
     * convolution (out, c, k, k) as {@code rows = out}, {@code cols = c·k·k}.
     *
     * @param mask the entries in row-major order, 0 for pruned and anything else for kept
     * @param rows rows of the picture
     * @param cols columns of the picture
     * @param png the file to write
     * @return the scale used (pixels per entry side)
     * @throws IOException if the file cannot be written
     */
    public static int weightMask(float[] mask, int rows, int cols, Path png) throws IOException {
        int scale = scaleFor(rows, cols);
        Images.writePng(weightMaskImage(mask, rows, cols, scale), png);
        return scale;
    }

    /**
     * Draws a weight mask as a raster, one square of {@code scale}×{@code scale} pixels per entry
     * (the raster of {@link #weightMask}, for a labelled figure).
     *
     * @param mask the entries in row-major order, 0 for pruned and anything else for kept
     * @param rows rows of the picture
     * @param cols columns of the picture
     * @param scale pixels per entry side
     * @return the raster
     */
    public static BufferedImage weightMaskImage(float[] mask, int rows, int cols, int scale) {
        check(mask.length, rows, cols);
        return Figure.cells(rows, cols, scale, scale, (r, c) -> mask[r * cols + c] == 0f ? PRUNED : KEPT);
    }

    /**
     * Draws which units of every block survive: one row per block, one cell per unit (a head or
     * an MLP neuron).
     *
     * @param alive {@code alive[block][unit]}; rows may differ in length (shorter rows are padded
     *     with the kept colour)
     * @param cellWidth pixels per unit horizontally
     * @param cellHeight pixels per block vertically
     * @param png the file to write
     * @throws IOException if the file cannot be written
     */
    public static void unitMap(boolean[][] alive, int cellWidth, int cellHeight, Path png) throws IOException {
        Images.writePng(unitMapImage(alive, cellWidth, cellHeight), png);
    }

    /**
     * Draws which units of every block survive as a raster (the raster of {@link #unitMap}, for a
     * labelled figure).
     *
     * @param alive {@code alive[block][unit]}; shorter rows are padded with the kept colour
     * @param cellWidth pixels per unit horizontally
     * @param cellHeight pixels per block vertically
     * @return the raster
     */
    public static BufferedImage unitMapImage(boolean[][] alive, int cellWidth, int cellHeight) {
        if (alive.length == 0) {
            throw new IllegalArgumentException("no blocks to draw");
        }
        if (cellWidth < 1 || cellHeight < 1) {
            throw new IllegalArgumentException("cell sizes must be >= 1, got " + cellWidth + "×" + cellHeight);
        }
        int units = 0;
        for (boolean[] row : alive) {
            units = Math.max(units, row.length);
        }
        BufferedImage img = new BufferedImage(units * cellWidth, alive.length * cellHeight, BufferedImage.TYPE_INT_RGB);
        fill(img, 0, 0, img.getWidth(), img.getHeight(), KEPT);
        for (int b = 0; b < alive.length; b++) {
            for (int u = 0; u < alive[b].length; u++) {
                fill(img, u * cellWidth, b * cellHeight, cellWidth, cellHeight, alive[b][u] ? ALIVE : PRUNED);
            }
        }
        return img;
    }

    /**
     * Pixels per entry so that small masks stay visible and large ones stay one pixel per entry.
     *
     * @param rows rows of the mask
     * @param cols columns of the mask
     * @return an integer scale ≥ 1
     */
    static int scaleFor(int rows, int cols) {
        int longest = Math.max(rows, cols);
        return Math.max(1, Math.min(16, 256 / Math.max(1, longest)));
    }

    /**
     * Counts pixels of a colour in a PNG (used by tests and by {@code report} self-checks).
     *
     * @param png the image file
     * @param rgb the colour, 0xRRGGBB
     * @return the number of pixels of exactly that colour
     * @throws IOException if the file cannot be read
     */
    public static long countPixels(Path png, int rgb) throws IOException {
        BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        if (img == null) {
            throw new IOException(png + " is not a readable image");
        }
        return countPixels(img, rgb);
    }

    /**
     * Counts pixels of a colour in an image, e.g. a raster cut out of a figure ({@link Figure#raster}).
     *
     * @param img the image
     * @param rgb the colour, 0xRRGGBB
     * @return the number of pixels of exactly that colour
     */
    public static long countPixels(BufferedImage img, int rgb) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    private static void check(int length, int rows, int cols) {
        if (rows < 1 || cols < 1 || (long) rows * cols != length) {
            throw new IllegalArgumentException(
                    "a " + rows + "×" + cols + " picture needs " + (long) rows * cols + " mask entries, got " + length);
        }
    }

    private static void fill(BufferedImage img, int x0, int y0, int w, int h, int rgb) {
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
    }
}
