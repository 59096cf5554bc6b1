package io.svite.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.tokens.TokenSelection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

class TokenOverlayTest {

    @Test
    void greysOutExactlyTheDroppedPatchesOfEachImage(@TempDir Path dir) throws Exception {
        DeiTConfig config = DeiTConfig.mini().withDepth(1).withTokenSelection(TokenSelection.ratio(0.5));
        int n = config.patches();
        int k = config.keptPatches();
        assertEquals(25, k);
        try (NDManager m = NDManager.newBaseManager()) {
            DeiT deit = DeiT.of(config);
            deit.initialize(m, DataType.FLOAT32, new Shape(3, 1, 28, 28));
            NDArray images = m.randomUniform(0f, 1f, new Shape(3, 1, 28, 28));
            long[] kept = deit.keptPatchIndices(new ParameterStore(m, false), images).toLongArray();
            float[] pixels = images.toFloatArray();

            List<Path> files = TokenOverlay.write(deit, images, dir.resolve("overlay"), "tokens");

            assertEquals(3, files.size());
            int scale = TokenOverlay.scaleFor(28);
            assertEquals(8, scale);
            boolean[] all = new boolean[n];
            Arrays.fill(all, true);
            for (int b = 0; b < 3; b++) {
                assertTrue(Files.isRegularFile(files.get(b)), files.get(b) + " missing");
                assertEquals("tokens-" + b + ".png", files.get(b).getFileName().toString());
                BufferedImage png = ImageIO.read(files.get(b).toFile());
                assertEquals(224, png.getWidth());
                assertEquals(224, png.getHeight());
                float[] image = Arrays.copyOfRange(pixels, b * 784, (b + 1) * 784);
                BufferedImage plain = TokenOverlay.draw(image, 1, 28, 4, all, scale);
                Set<Integer> greyed = new HashSet<>();
                for (int cell = 0; cell < n; cell++) {
                    if (cellDiffers(png, plain, cell, 7, 4 * scale)) {
                        greyed.add(cell);
                    }
                }
                Set<Integer> dropped = new HashSet<>();
                for (int cell = 0; cell < n; cell++) {
                    dropped.add(cell);
                }
                for (int j = 0; j < k; j++) {
                    dropped.remove((int) kept[b * k + j]);
                }
                assertEquals(n - k, greyed.size(), "greyed cells of image " + b);
                assertEquals(dropped, greyed, "the greyed cells are the dropped patches of image " + b);
            }
        }
        try (Stream<Path> left = Files.list(dir.resolve("overlay"))) {
            assertEquals(3, left.count(), "no temporary files are left behind");
        }
    }

    /** Whether any pixel of a patch cell differs between two pictures. */
    private static boolean cellDiffers(BufferedImage a, BufferedImage b, int cell, int grid, int cellPixels) {
        int x0 = (cell % grid) * cellPixels;
        int y0 = (cell / grid) * cellPixels;
        for (int y = y0; y < y0 + cellPixels; y++) {
            for (int x = x0; x < x0 + cellPixels; x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void aDroppedPixelIsBlendedTowardsGrey() {
        float[] image = new float[16];
        image[0] = 1f; // white at (0, 0), black elsewhere
        boolean[] kept = {false, true, true, true};
        BufferedImage p = TokenOverlay.draw(image, 1, 4, 2, kept, 1);
        assertEquals(Math.round(0.75f * 128 + 0.25f * 255), p.getRGB(0, 0) & 0xff);
        assertEquals(Math.round(0.75f * 128), p.getRGB(1, 1) & 0xff);
        assertEquals(0, p.getRGB(2, 0) & 0xff, "a kept black pixel stays black");
    }

    @Test
    void refusesAModelWithoutSelectorAndImagesOfTheWrongShape(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            DeiT plain = DeiT.of(DeiTConfig.mini().withDepth(1));
            plain.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            NDArray images = m.zeros(new Shape(2, 1, 28, 28));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> TokenOverlay.write(plain, images, dir, "t"));
            assertTrue(e.getMessage().contains("no token selector"), e.getMessage());

            DeiT selected = DeiT.of(DeiTConfig.mini().withDepth(1).withTokenSelection(TokenSelection.count(10)));
            selected.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            NDArray wrong = m.zeros(new Shape(2, 3, 28, 28));
            e = assertThrows(IllegalArgumentException.class, () -> TokenOverlay.write(selected, wrong, dir, "t"));
            assertTrue(e.getMessage().contains("(batch, 1, 28, 28)") && e.getMessage().contains("(2, 3, 28, 28)"),
                    e.getMessage());
        }
    }
}
