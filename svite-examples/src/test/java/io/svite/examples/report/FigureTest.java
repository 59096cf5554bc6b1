package io.svite.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

class FigureTest {

    @TempDir Path dir;

    /** A 3×4 raster of 5-pixel cells whose colours encode their row and column. */
    private static BufferedImage raster(int salt) {
        return Figure.cells(3, 4, 5, 5, (r, c) -> (salt << 16) | (r << 8) | c);
    }

    @Test
    void theRastersAreCopiedPixelForPixelAndTheFileSaysWhere() throws Exception {
        Path png = dir.resolve("f.png");
        Figure.titled("Two panels", "run x · step 7")
                .panel(new Figure.Panel("first", raster(1), 3, 4))
                .panel(new Figure.Panel("second", raster(2), 3, 4))
                .perRow(2)
                .axes(Figure.Axis.indices("column"), Figure.Axis.indices("row"))
                .legend(0x000000, "pruned")
                .write(png);
        List<int[]> panels = Figure.panels(png);
        assertEquals(2, panels.size());
        for (int p = 0; p < 2; p++) {
            BufferedImage cut = Figure.raster(png, p);
            assertEquals(20, cut.getWidth());
            assertEquals(15, cut.getHeight());
            for (int y = 0; y < 15; y++) {
                for (int x = 0; x < 20; x++) {
                    assertEquals(((p + 1) << 16) | ((y / 5) << 8) | (x / 5), cut.getRGB(x, y) & 0xFFFFFF,
                            "panel " + p + " pixel " + x + "," + y);
                }
            }
        }
        int[] a = panels.get(0);
        int[] b = panels.get(1);
        assertEquals(a[1], b[1], "side by side");
        assertTrue(a[0] > 0 && a[1] > 30, "a title above and tick labels left of the first raster");
        BufferedImage whole = ImageIO.read(png.toFile());
        assertTrue(whole.getWidth() >= 560, "readable: at least the minimum width");
    }

    @Test
    void panelsWithTitlesWiderThanTheirRastersDoNotOverlap() throws Exception {
        Path png = dir.resolve("wide.png");
        String title = "a panel title much wider than its small raster";
        Figure.titled("Titles", null)
                .panel(new Figure.Panel(title, raster(1), 3, 4))
                .panel(new Figure.Panel(title, raster(2), 3, 4))
                .perRow(2)
                .write(png);
        List<int[]> panels = Figure.panels(png);
        int gap = panels.get(1)[0] - panels.get(0)[0];
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        int titleWidth = probe.createGraphics().getFontMetrics(new java.awt.Font(java.awt.Font.SANS_SERIF,
                java.awt.Font.PLAIN, 12)).stringWidth(title);
        assertTrue(gap > titleWidth, "the second panel starts after the first one's title: " + gap + " ≤ " + titleWidth);
    }

    @Test
    void theColourScaleRunsFromDarkToLightAndClampsOutOfRangeValues() {
        ColourScale v = ColourScale.viridis();
        assertEquals(0x440154, v.at(0));
        assertEquals(0xFDE725, v.at(1));
        assertEquals(v.at(0), v.at(-3));
        assertEquals(v.at(1), v.at(7));
        assertEquals(v.at(0), v.at(Double.NaN));
        double previous = -1;
        for (int i = 0; i <= 20; i++) {
            int c = v.at(i / 20.0);
            double luma = 0.299 * ((c >> 16) & 0xFF) + 0.587 * ((c >> 8) & 0xFF) + 0.114 * (c & 0xFF);
            assertTrue(luma > previous, "lighter at " + i / 20.0 + ", so it reads in grey");
            previous = luma;
        }
    }

    @Test
    void badInputIsOneClearErrorAndWritesNoFile() throws IOException {
        Path png = dir.resolve("none.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Figure.titled("Empty", null).write(png));
        assertEquals("a figure needs at least one panel", e.getMessage());
        assertTrue(!Files.exists(png));
        e = assertThrows(IllegalArgumentException.class, () -> Figure.cells(0, 3, 1, 1, (r, c) -> 0));
        assertTrue(e.getMessage().startsWith("a raster needs at least one cell"), e.getMessage());
        Path plain = dir.resolve("plain.png");
        Images.writePng(raster(0), plain);
        IOException io = assertThrows(IOException.class, () -> Figure.panels(plain));
        assertTrue(io.getMessage().endsWith("records no panels (" + Figure.PANELS + ")"), io.getMessage());
    }
}
