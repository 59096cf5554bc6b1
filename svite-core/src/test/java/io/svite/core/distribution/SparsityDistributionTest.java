package io.svite.core.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

class SparsityDistributionTest {

    private static Map<String, Shape> shapes(Object... nameShape) {
        Map<String, Shape> m = new LinkedHashMap<>();
        for (int i = 0; i < nameShape.length; i += 2) {
            m.put((String) nameShape[i], (Shape) nameShape[i + 1]);
        }
        return m;
    }

    /** DeiT-Tiny's sparse tensors, one block (every block has the same shapes). */
    private static Map<String, Shape> deitTiny(int depth) {
        Map<String, Shape> m = new LinkedHashMap<>();
        m.put("patch", new Shape(192, 3, 16, 16));
        for (int i = 0; i < depth; i++) {
            m.put("qkv" + i, new Shape(576, 192));
            m.put("proj" + i, new Shape(192, 192));
            m.put("fc1" + i, new Shape(768, 192));
            m.put("fc2" + i, new Shape(192, 768));
        }
        m.put("head", new Shape(1000, 192));
        return m;
    }

    private static double budget(Map<String, Shape> shapes, Map<String, Double> d) {
        double kept = 0;
        double total = 0;
        for (String k : shapes.keySet()) {
            kept += d.get(k) * shapes.get(k).size();
            total += shapes.get(k).size();
        }
        return kept / total;
    }

    @Test
    void uniformGivesEveryTensorOneMinusS() {
        Map<String, Double> d = SparsityDistribution.uniform(0.8).densities(
                shapes("a", new Shape(10, 10), "b", new Shape(8, 4, 3, 3)));
        assertEquals(0.2, d.get("a"), 1e-12);
        assertEquals(0.2, d.get("b"), 1e-12);
    }

    @Test
    void kernelAndPlainErdosRenyiDifferOnAConvolution() {
        // conv (8,4,3,3): N 288, ERK raw 18/288 = 0.0625, ER raw (8+4)/(8·4) = 0.375;
        // linear (8,32): N 256, raw 40/256 = 0.15625. Budget at s = 0.5: 272 entries.
        Map<String, Shape> s = shapes("conv", new Shape(8, 4, 3, 3), "fc", new Shape(8, 32));
        Map<String, Double> erk = SparsityDistribution.erdosRenyiKernel(0.5).densities(s);
        double eps = 272.0 / (18 + 40); // 4.6897
        assertEquals(eps * 0.0625, erk.get("conv"), 1e-12); // 0.29310
        assertEquals(eps * 0.15625, erk.get("fc"), 1e-12); // 0.73276
        Map<String, Double> er = SparsityDistribution.erdosRenyi(0.5).densities(s);
        double eps2 = 272.0 / (0.375 * 288 + 40); // 1.83784
        assertEquals(eps2 * 0.375, er.get("conv"), 1e-12); // 0.68919
        assertEquals(eps2 * 0.15625, er.get("fc"), 1e-12); // 0.28716
        assertEquals(0.5, budget(s, erk), 1e-12);
        assertEquals(0.5, budget(s, er), 1e-12);
    }

    @Test
    void aLayerThatWouldExceedDensityOneIsMadeDenseTogetherWithItsTiesAndTheRestResolved() {
        // (2,2) has raw 1, (100,100) raw 0.02. At s = 0.5 the first pass gives ε = 5004/208 ≈ 24
        // for the small ones (> 1): both tied (2,2) tensors become dense and
        // the big one takes the rest: (5004 − 8) / 10000 = 0.4996.
        Map<String, Shape> s =
                shapes("small1", new Shape(2, 2), "small2", new Shape(2, 2), "big", new Shape(100, 100));
        Map<String, Double> d = SparsityDistribution.erdosRenyiKernel(0.5).densities(s);
        assertEquals(1.0, d.get("small1"));
        assertEquals(1.0, d.get("small2"));
        assertEquals(0.4996, d.get("big"), 1e-12);
        assertEquals(0.5, budget(s, d), 1e-12);
    }

    @Test
    void deitTinyAtFortyPercentMatchesTheReferenceDensities() {
        Map<String, Shape> s = deitTiny(12);
        Map<String, Double> d = SparsityDistribution.erdosRenyiKernel(0.4).densities(s);
        assertEquals(0.1363, d.get("patch"), 1e-4);
        assertEquals(0.6147, d.get("qkv0"), 1e-4);
        assertEquals(0.9221, d.get("proj0"), 1e-4);
        assertEquals(0.5763, d.get("fc10"), 1e-4);
        assertEquals(0.5763, d.get("fc211"), 1e-4);
        assertEquals(0.5495, d.get("head"), 1e-4);
        assertEquals(0.6, budget(s, d), 1e-12);
    }

    @Test
    void deitTinyProjBecomesDenseAtThirtyPercent() {
        Map<String, Shape> s = deitTiny(12);
        Map<String, Double> d = SparsityDistribution.erdosRenyiKernel(0.3).densities(s);
        for (int i = 0; i < 12; i++) {
            assertEquals(1.0, d.get("proj" + i), "proj" + i);
            assertTrue(d.get("qkv" + i) < 1.0);
        }
        assertEquals(0.7, budget(s, d), 1e-12);
    }

    @Test
    void zeroSparsityIsDenseEverywhere() {
        Map<String, Double> d =
                SparsityDistribution.erdosRenyiKernel(0).densities(deitTiny(1));
        d.values().forEach(v -> assertEquals(1.0, v, 1e-12));
    }

    @Test
    void sparsityOutsideZeroToOneIsRefusedWithTheValue() {
        for (double bad : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> SparsityDistribution.erdosRenyi(bad));
            assertTrue(e.getMessage().contains("[0, 1)") && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> SparsityDistribution.uniform(0.5).densities(Map.of()));
    }
}
