package io.svite.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Random;

import javax.imageio.ImageIO;

class MaskImagesTest {

    @TempDir Path dir;

    @Test
    void darkPixelsOfAWeightMaskAreItsZerosTimesTheScaleSquared() throws Exception {
        Random random = new Random(3);
        int rows = 40;
        int cols = 24;
        float[] mask = new float[rows * cols];
        int zeros = 0;
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < 0.3 ? 0f : 1f;
            zeros += mask[i] == 0f ? 1 : 0;
        }
        Path png = dir.resolve("mask.png");
        int scale = MaskImages.weightMask(mask, rows, cols, png);
        assertEquals(6, scale); // 256 / 40
        assertEquals((long) zeros * scale * scale, MaskImages.countPixels(png, MaskImages.PRUNED));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(cols * scale, img.getWidth());
        assertEquals(rows * scale, img.getHeight());
        // entry (row 0, col 0) sits in the top-left square
        assertEquals(mask[0] == 0f ? MaskImages.PRUNED : MaskImages.KEPT, img.getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void largeMasksUseOnePixelPerEntry() throws Exception {
        float[] mask = new float[1536 * 4];
        mask[5] = 1f;
        Path png = dir.resolve("big.png");
        assertEquals(1, MaskImages.weightMask(mask, 1536, 4, png));
        assertEquals(mask.length - 1, MaskImages.countPixels(png, MaskImages.PRUNED));
    }

    @Test
    void unitMapShowsPrunedUnitsDark() throws Exception {
        boolean[][] alive = {{true, false, true}, {false, false, true}};
        Path png = dir.resolve("heads.png");
        MaskImages.unitMap(alive, 10, 5, png);
        assertEquals(3L * 10 * 5, MaskImages.countPixels(png, MaskImages.PRUNED));
        assertEquals(3L * 10 * 5, MaskImages.countPixels(png, MaskImages.ALIVE));
    }

    @Test
    void mismatchedSizesAreRejected() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> MaskImages.weightMask(new float[5], 2, 3, dir.resolve("x.png")));
        assertEquals("a 2×3 picture needs 6 mask entries, got 5", e.getMessage());
    }
}
