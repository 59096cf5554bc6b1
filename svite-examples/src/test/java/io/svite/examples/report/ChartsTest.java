package io.svite.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

class ChartsTest {

    @TempDir Path dir;

    @Test
    void writesReadablePngsOfTheExpectedSize() throws Exception {
        Path curves = dir.resolve("curves.png");
        Charts.trainingCurves(
                List.of(new Charts.EpochPoint(1, 2.0, 0.3, 0.4), new Charts.EpochPoint(2, 1.2, 0.6, 0.65)), curves);
        BufferedImage img = ImageIO.read(curves.toFile());
        assertTrue(img.getWidth() == 1800 && img.getHeight() == 560, img.getWidth() + "×" + img.getHeight());

        Map<String, Double> densities = new LinkedHashMap<>();
        densities.put("block0_attn_qkv", 0.6);
        densities.put("block0_mlp_fc1", 0.4);
        Path bars = dir.resolve("bars.png");
        Charts.densityBars(densities, bars);
        assertTrue(ImageIO.read(bars.toFile()).getWidth() >= 900);

        Path scatter = dir.resolve("acc.png");
        Charts.accuracyVsMacs(
                List.of(new Charts.RunPoint("dense", 36e6, 0.83), new Charts.RunPoint("dense", 18e6, 0.80)), scatter);
        assertTrue(ImageIO.read(scatter.toFile()) != null);
    }

    @Test
    void aNearlyFlatLossIsDrawnAndDoesNotHangTheAxisLayout() throws Exception {
        // an S2ViTE run of two short epochs: XChart looped for ever on these with a three-decimal axis
        Path curves = dir.resolve("flat.png");
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Charts.trainingCurves(List.of(
                new Charts.EpochPoint(1, 2.4223792552948, 0.0416666679084301, 0.0833333358168602),
                new Charts.EpochPoint(2, 2.421635389328003, 0.125, 0.0833333358168602)), curves, "s2vite"));
        assertTrue(ImageIO.read(curves.toFile()) != null);
        assertEquals("0.######", Charts.yPattern(3, new double[] {2.4223792552948, 2.421635389328003}));
        assertEquals("0.###", Charts.yPattern(3, new double[] {2.0, 1.2}));
        assertEquals("0.###", Charts.yPattern(3, new double[] {2.0}), "one point: no span");
    }

    @Test
    void emptyInputIsAClearError() {
        assertThrows(IllegalArgumentException.class, () -> Charts.trainingCurves(List.of(), dir.resolve("a.png")));
        assertThrows(IllegalArgumentException.class, () -> Charts.densityBars(Map.of(), dir.resolve("b.png")));
    }
}
