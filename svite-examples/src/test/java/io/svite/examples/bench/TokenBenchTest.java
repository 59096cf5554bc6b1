package io.svite.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.cost.CostModel;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.tokens.TokenSelection;

import org.junit.jupiter.api.Test;

class TokenBenchTest {

    @Test
    void measuresBothModelsAndReportsTheCostModelsMacs() {
        TokenBench.Settings s = new TokenBench.Settings("deit-mini", TokenSelection.ratio(0.5), 32, 1, 3, 7); // 32 images: a pass takes more than the 10 ms the process CPU clock counts in
        TokenBench.Result r = TokenBench.run(s);
        assertEquals(49, r.patches());
        assertEquals(25, r.keptPatches());
        DeiTConfig selected = DeiTConfig.mini().withTokenSelection(TokenSelection.ratio(0.5));
        assertEquals(CostModel.of(selected).estimate().macs(), r.selectedMacs(), 0);
        assertEquals(36_133_824d, r.denseMacs(), 0);
        assertTrue(r.denseMillis() > 0 && r.selectedMillis() > 0, r.toString());
        assertTrue(r.denseCpuMillis() > 0 && r.selectedCpuMillis() > 0, r.toString());
        assertEquals(r.timeSaving() / r.macsSaving(), r.efficiency(), 1e-12);
        String table = r.format();
        assertTrue(table.contains("25 of 49 patches") && table.contains("time saving / MACs saving"), table);
    }

    @Test
    void theMedianIsTheMiddleValue() {
        assertEquals(3.0, TokenBench.median(new double[] {9, 1, 3}), 0);
        assertEquals(2.5, TokenBench.median(new double[] {4, 1, 2, 3}), 0);
    }

    @Test
    void badSettingsNameTheValue() {
        TokenSelection t = TokenSelection.ratio(0.7);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new TokenBench.Settings("deit-huge", t, 64, 3, 10, 1));
        assertTrue(e.getMessage().contains("deit-huge"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TokenBench.Settings("deit-small", t, 0, 3, 10, 1));
        assertEquals("batch size must be >= 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TokenBench.Settings("deit-small", t, 64, 3, 0, 1));
        assertEquals("timed runs must be >= 1, got 0", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new TokenBench.Settings("deit-mini", TokenSelection.count(60), 4, 0, 1, 1));
        assertTrue(e.getMessage().contains("60") && e.getMessage().contains("1..49"), e.getMessage());
    }
}
