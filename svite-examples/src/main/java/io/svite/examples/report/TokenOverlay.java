package io.svite.examples.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Draws which patches a token selector keeps, as in Figure 5 of the SViTE paper: each image with
 * the dropped patches greyed out, one PNG per image.
 *
 * <p>The selection is the model's evaluation-mode choice (deterministic top-k), so the picture is
 * what test accuracy is measured with. Each image is min-max scaled to 0 … 255 for display (model
 * inputs are usually normalised), upscaled with nearest neighbours to at least {@value
 * #MIN_SIDE} pixels a side ({@link #scaleFor(int)}: 8× for a 28×28 image), and every pixel of a
 * dropped patch is blended towards grey: {@code out = (1 − α) · grey + α · pixel} with grey =
 * {@value #GREY} and α = {@value #KEEP}.
 */
public final class TokenOverlay {

    /** The grey level dropped patches are blended towards. */
    public static final int GREY = 128;

    /** How much of a dropped patch's own pixel remains visible. */
    public static final float KEEP = 0.25f;

    /** Pictures are upscaled to at least this many pixels a side. */
    public static final int MIN_SIDE = 224;

    private TokenOverlay() {}

    /**
     * Writes {@code <outDir>/<prefix>-<i>.png} for every image of the batch.
     *
     * @param deit a DeiT with a token selector, initialised
     * @param images the model's inputs (B, C, S, S), as given to the model
     * @param outDir the folder to write into; created if missing
     * @param prefix the file name prefix, e.g. {@code tokens}
     * @return the written files, in batch order
     * @throws IllegalArgumentException if the model has no token selector or the images do not
     *     fit it
     * @throws IOException if a file cannot be written (no half-written file is left behind)
     */
    public static List<Path> write(DeiT deit, NDArray images, Path outDir, String prefix) throws IOException {
        DeiTConfig config = deit.config();
        if (!config.hasTokenSelection()) {
            throw new IllegalArgumentException(
                    "the model has no token selector; only a model built with a token selection can be drawn");
        }
        Shape expected = new Shape(images.getShape().get(0), config.channels(), config.imageSize(), config.imageSize());
        if (images.getShape().dimension() != 4 || !images.getShape().equals(expected)) {
            throw new IllegalArgumentException(
                    "images must be (batch, " + config.channels() + ", " + config.imageSize() + ", "
                            + config.imageSize() + ") for this model, got " + images.getShape());
        }
        if (prefix == null || prefix.isBlank() || prefix.contains("/")) {
            throw new IllegalArgumentException("file prefix must be a plain, non-empty name, got '" + prefix + "'");
        }
        Files.createDirectories(outDir);
        List<Path> written = new ArrayList<>();
        List<BufferedImage> pictures = overlays(deit, images);
        for (int b = 0; b < pictures.size(); b++) {
            written.add(writePng(pictures.get(b), outDir.resolve(prefix + "-" + b + ".png")));
        }
        return written;
    }

    /**
     * The overlays of a batch (what {@link #write} writes), each upscaled by {@link #scaleFor}.
     *
     * @param deit a DeiT with a token selector, initialised
     * @param images the model's inputs (B, C, S, S)
     * @return one picture per image
     */
    public static List<BufferedImage> overlays(DeiT deit, NDArray images) {
        DeiTConfig config = deit.config();
        int batch = Math.toIntExact(images.getShape().get(0));
        int side = config.imageSize();
        int channels = config.channels();
        long[] kept;
        float[] pixels;
        try (NDManager scope = images.getManager().newSubManager()) {
            images.tempAttach(scope); // the selection's temporaries go with the scope
            kept = deit.keptPatchIndices(new ParameterStore(scope, false), images).toLongArray();
            pixels = images.toFloatArray();
        }
        int k = kept.length / batch;
        List<BufferedImage> out = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            List<Integer> row = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                row.add((int) kept[b * k + j]);
            }
            out.add(draw(image(pixels, b, channels, side), channels, side, config.patchSize(), row, scaleFor(side)));
        }
        return out;
    }

    /**
     * One image of a batch's values, channel-major.
     *
     * @param pixels the batch's values (B, C, S, S) in row-major order
     * @param b the image
     * @param channels C
     * @param side S
     * @return its C·S·S values
     */
    public static float[] image(float[] pixels, int b, int channels, int side) {
        int perImage = channels * side * side;
        float[] image = new float[perImage];
        System.arraycopy(pixels, b * perImage, image, 0, perImage);
        return image;
    }

    /**
     * Draws one image with every patch not in {@code kept} greyed out.
     *
     * @param chw the image's values, channel-major (C, S, S), any range
     * @param channels 1 (grey) or 3 (RGB)
     * @param side S
     * @param patchSize p
     * @param kept the kept patch indices (row-major over the (S/p)² grid)
     * @param scale output pixels per input pixel
     * @return the picture
     */
    public static BufferedImage draw(float[] chw, int channels, int side, int patchSize, List<Integer> kept, int scale) {
        int grid = side / patchSize;
        boolean[] keep = new boolean[grid * grid];
        for (int i : kept) {
            keep[i] = true;
        }
        return draw(chw, channels, side, patchSize, keep, scale);
    }

    /**
     * Draws one image with its dropped patches greyed out.
     *
     * @param chw the image's values, channel-major (C, S, S), any range
     * @param channels 1 (grey) or 3 (RGB)
     * @param side S
     * @param patchSize p; patch i covers grid row i / (S/p), column i % (S/p)
     * @param kept per patch, whether it is kept
     * @param scale how many output pixels per input pixel
     * @return an RGB picture of side S · scale
     */
    public static BufferedImage draw(float[] chw, int channels, int side, int patchSize, boolean[] kept, int scale) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : chw) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max > min ? max - min : 1f;
        int grid = side / patchSize;
        BufferedImage out = new BufferedImage(side * scale, side * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                boolean dropped = !kept[(y / patchSize) * grid + x / patchSize];
                int[] rgb = new int[3];
                for (int c = 0; c < 3; c++) {
                    float v = chw[(channels == 1 ? 0 : c) * side * side + y * side + x];
                    int level = Math.round(255f * (v - min) / range);
                    rgb[c] = dropped ? Math.round((1 - KEEP) * GREY + KEEP * level) : level;
                }
                int packed = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        out.setRGB(x * scale + dx, y * scale + dy, packed);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The upscaling factor for an image side: the smallest whole factor reaching {@value
     * #MIN_SIDE} pixels.
     *
     * @param side the image's side in pixels
     * @return ⌈{@value #MIN_SIDE} / side⌉, at least 1
     */
    public static int scaleFor(int side) {
        return Math.max(1, (MIN_SIDE + side - 1) / side);
    }

    /** Writes to a temporary file next to the target, then moves it into place. */
    private static Path writePng(BufferedImage picture, Path target) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".overlay-", ".png.tmp");
        try {
            if (!ImageIO.write(picture, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available");
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
