package io.svite.core.structured;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class UnitBudgetTest {

    static final UnitFamily HEADS = UnitFamily.of("heads");
    static final UnitFamily NEURONS = UnitFamily.of("neurons", UnitCriterion.weightL1());

    static Parameter param(String name, Parameter.Type type, long... shape) {
        return Parameter.builder().setName(name).setType(type).optShape(new Shape(shape)).build();
    }

    /** The unit groups of a transformer of width D, depth L, H heads of dimension d, M neurons. */
    static List<UnitGroup> transformer(int width, int depth, int heads, int hidden) {
        int d = width / heads;
        List<UnitGroup> groups = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            Parameter qkv = param("qkv" + i, Parameter.Type.WEIGHT, 3L * heads * d, width);
            Parameter qkvBias = param("qkvb" + i, Parameter.Type.BIAS, 3L * heads * d);
            Parameter proj = param("proj" + i, Parameter.Type.WEIGHT, width, (long) heads * d);
            Parameter fc1 = param("fc1" + i, Parameter.Type.WEIGHT, hidden, width);
            Parameter fc2 = param("fc2" + i, Parameter.Type.WEIGHT, width, hidden);
            groups.add(new UnitGroup("block" + i + "_heads", HEADS, param("hg" + i, Parameter.Type.OTHER, heads), heads,
                    List.of(new UnitSlice(qkv, 0, 3, d), new UnitSlice(qkvBias, 0, 3, d)),
                    List.of(new UnitSlice(proj, 1, 1, d))));
            groups.add(new UnitGroup("block" + i + "_neurons", NEURONS, param("ng" + i, Parameter.Type.OTHER, hidden), hidden,
                    List.of(UnitSlice.of(fc1, 0)), List.of(UnitSlice.of(fc2, 1))));
        }
        return groups;
    }

    @Test
    void fractionsRoundDownAsTheReferenceDoes() {
        List<UnitGroup> small = transformer(384, 2, 6, 1536);
        int[] counts = UnitBudget.fractions(Map.of(HEADS, 0.7, NEURONS, 0.6)).counts(small);
        assertArrayEquals(new int[] {4, 921, 4, 921}, counts, "DeiT-Small: 4 of 6 heads, 921 of 1536 neurons");
        assertArrayEquals(new int[] {3, 921, 3, 921}, UnitBudget.uniform(0.4).counts(small));
        List<UnitGroup> hundred = transformer(100, 1, 100, 100);
        assertArrayEquals(new int[] {29, 29}, UnitBudget.uniform(0.71).counts(hundred), "100 · 0.29 keeps 29, not 28");
        assertArrayEquals(new int[] {6, 1536, 6, 1536}, UnitBudget.fractions(Map.of(HEADS, 1.0, NEURONS, 1.0)).counts(small));
        // families are matched by name
        assertArrayEquals(counts, UnitBudget.fractions(Map.of(UnitFamily.of("heads"), 0.7, UnitFamily.of("neurons"), 0.6))
                .counts(small));
    }

    @Test
    void erdosRenyiGivesAttentionMoreThanTheMlpAndKeepsTheBudget() {
        List<UnitGroup> small = transformer(384, 12, 6, 1536);
        ErdosRenyiUnits er = (ErdosRenyiUnits) UnitBudget.erdosRenyi(0.4);
        double[] f = er.fractions(small);
        assertEquals(0.675, f[0], 1e-12, "the figure models' StructuredBudget documents for DeiT-Small");
        assertEquals(0.5625, f[1], 1e-12);
        int[] counts = er.counts(small);
        assertEquals(4, counts[0]);
        assertEquals(864, counts[1]);
        // a group that would need more than all of itself is kept whole and the rest re-solved
        List<UnitGroup> lopsided = new ArrayList<>(transformer(384, 1, 6, 1536));
        lopsided.addAll(transformer(8, 1, 1, 4));
        double[] g = er.fractions(lopsided);
        assertEquals(1.0, g[2]);
        assertEquals(1.0, g[3]);
        double kept = 0;
        double total = 0;
        long[] sizes = {4L * 384 * 384, 2L * 384 * 1536, 4L * 8 * 8, 2L * 8 * 4};
        for (int i = 0; i < sizes.length; i++) {
            kept += g[i] * sizes[i];
            total += sizes[i];
        }
        assertEquals(0.6, kept / total, 1e-12);
    }

    @Test
    void badBudgetsAreOneClearMessage() {
        List<UnitGroup> small = transformer(384, 1, 6, 1536);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnitBudget.fractions(Map.of(HEADS, 0.1, NEURONS, 0.6)).counts(small));
        assertEquals("a fraction of 0.1 of the heads keeps floor(6 × 0.1) = 0 of the 6 units of block0_heads; a group"
                + " needs at least one active unit, so the fraction must be at least 1/6 = 0.1667", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UnitBudget.fractions(Map.of(HEADS, 1.2)));
        assertEquals("the fraction of heads kept must be in (0, 1], got 1.2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UnitBudget.fractions(Map.of()));
        assertTrue(e.getMessage().contains("at least one unit family"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UnitBudget.uniform(-0.1));
        assertEquals("structured sparsity must be in [0, 1), got -0.1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UnitBudget.erdosRenyi(1));
        assertEquals("structured sparsity must be in [0, 1), got 1.0", e.getMessage());
        List<UnitGroup> biasOnly = List.of(new UnitGroup("b", HEADS, param("g", Parameter.Type.OTHER, 2), 2,
                List.of(), List.of(UnitSlice.of(param("bias", Parameter.Type.BIAS, 2), 0))));
        e = assertThrows(IllegalArgumentException.class, () -> UnitBudget.erdosRenyi(0.5).counts(biasOnly));
        assertTrue(e.getMessage().contains("unit group b has no weight slices"), e.getMessage());
    }

    @Test
    void declarationsAreChecked() {
        Parameter gate = param("g", Parameter.Type.OTHER, 2);
        Parameter w = param("w", Parameter.Type.WEIGHT, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new UnitGroup("x", HEADS, gate, 2, List.of(UnitSlice.of(w, 0)), List.of()));
        assertTrue(e.getMessage().contains("needs at least one output slice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new UnitSlice(w, -1, 1, 1));
        assertTrue(e.getMessage().contains("axis >= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new UnitGroup("x", HEADS, gate, 0, List.of(), List.of()));
        assertTrue(e.getMessage().contains("at least one unit"), e.getMessage());
    }
}
