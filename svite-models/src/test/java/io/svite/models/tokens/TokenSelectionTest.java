package io.svite.models.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenSelectionTest {

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void ratiosReproduceThePapersTokenCountsOfDeiTAt224Pixels() {
        // 187 / 177 / 138 / 99 of 197 tokens: the class token plus these many of 196 patches.
        assertEquals(186, TokenSelection.ratio(0.95).keptPatches(196));
        assertEquals(176, TokenSelection.ratio(0.9).keptPatches(196));
        assertEquals(137, TokenSelection.ratio(0.7).keptPatches(196));
        assertEquals(98, TokenSelection.ratio(0.5).keptPatches(196));
        assertEquals(196, TokenSelection.ratio(1.0).keptPatches(196));
        assertEquals(34, TokenSelection.ratio(0.7).keptPatches(49));
        assertEquals(1, TokenSelection.ratio(0.001).keptPatches(49), "a ratio keeps at least one patch");
    }

    @Test
    void aCountIsTakenAsItIs() {
        TokenSelection s = TokenSelection.count(12);
        assertFalse(s.byRatio());
        assertEquals(12, s.keptPatches(49));
        assertEquals(49, TokenSelection.count(49).keptPatches(49));
        assertEquals("12 patches", s.describe());
        assertEquals("ratio 0.9", TokenSelection.ratio(0.9).describe());
    }

    @Test
    void defaultsAreALinearScorerAndTauFromTenToATenth() {
        TokenSelection s = TokenSelection.ratio(0.9);
        assertTrue(s.scorer().isLinear());
        assertEquals(new TemperatureSchedule(10, 0.1), s.temperature());
        TokenSelection custom = s.withScorer(ScorerShape.mlp(32)).withTemperature(TemperatureSchedule.constant(1));
        assertEquals(32, custom.scorer().hidden());
        assertTrue(custom.temperature().isConstant());
        assertEquals(0.9, custom.ratio());
    }

    @Test
    void badRatiosCountsAndTemperaturesGetOneClearMessage() {
        for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
            String m = message(() -> TokenSelection.ratio(bad));
            assertTrue(m.contains("(0, 1]") && m.contains(String.valueOf(bad)), m);
        }
        String m = message(() -> TokenSelection.count(0));
        assertTrue(m.contains(">= 1") && m.contains("got 0"), m);
        m = message(() -> TokenSelection.count(50).keptPatches(49));
        assertTrue(m.contains("50") && m.contains("49 patches") && m.contains("1..49"), m);
        m = message(() -> new TokenSelection(0.5, 3, null, null));
        assertTrue(m.contains("not both"), m);
        m = message(() -> TemperatureSchedule.constant(0));
        assertTrue(m.contains("> 0") && m.contains("0.0"), m);
        m = message(() -> TemperatureSchedule.linear(10, -1));
        assertTrue(m.contains("end temperature") && m.contains("-1.0"), m);
        m = message(() -> TemperatureSchedule.linear(Double.POSITIVE_INFINITY, 1));
        assertTrue(m.contains("start temperature") && m.contains("Infinity"), m);
        m = message(() -> ScorerShape.mlp(0));
        assertTrue(m.contains("hidden units") && m.contains("got 0"), m);
    }
}
