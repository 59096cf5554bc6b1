package io.svite.models.deit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.tokens.TokenSelection;

import org.junit.jupiter.api.Test;

import java.util.Collections;

class DeiTConfigTest {

    @Test
    void presetsAndOldConstructorsHaveNoTokenSelection() {
        assertNull(DeiTConfig.mini().tokenSelection());
        assertFalse(DeiTConfig.tiny().hasTokenSelection());
        assertEquals(196, DeiTConfig.tiny().keptPatches());
        DeiTConfig c = new DeiTConfig(28, 1, 4, 96, 2, 3, 4.0, 10, 0.0, null);
        assertNull(c.tokenSelection());
    }

    @Test
    void theTokenSelectionSurvivesEveryWither() {
        TokenSelection sel = TokenSelection.ratio(0.7);
        DeiTConfig c = DeiTConfig.mini().withTokenSelection(sel);
        assertEquals(34, c.keptPatches());
        assertEquals(sel, c.withClasses(3).tokenSelection());
        assertEquals(sel, c.withDepth(2).tokenSelection());
        assertEquals(sel, c.withDropPath(0.1).tokenSelection());
        assertEquals(sel, c.withBlocks(Collections.nCopies(6, new BlockShape(2, 100))).tokenSelection());
        assertEquals(sel, c.withInput(56, 3).tokenSelection());
        assertEquals(137, c.withInput(56, 3).keptPatches(), "a ratio is re-applied to the new patch count");
        assertNull(c.withTokenSelection(null).tokenSelection());
    }

    @Test
    void aCountLargerThanThePatchesIsRejectedWithTheAllowedRange() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> DeiTConfig.mini().withTokenSelection(TokenSelection.count(50)));
        assertTrue(e.getMessage().contains("50") && e.getMessage().contains("1..49"), e.getMessage());
        DeiTConfig ok = DeiTConfig.of(56, 1, 4, 96, 1, 3, 4, 10, 0).withTokenSelection(TokenSelection.count(100));
        e = assertThrows(IllegalArgumentException.class, () -> ok.withInput(28, 1));
        assertTrue(e.getMessage().contains("100") && e.getMessage().contains("1..49"), e.getMessage());
    }
}
