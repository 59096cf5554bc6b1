package io.svite.models.deit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.tokens.TokenSelection;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

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

    @Test
    void keptPositionsShortenTheSequenceAndThePositionRowsAndAreValidated() {
        DeiTConfig c = DeiTConfig.mini().withPatchGates(true).withKeptPositions(List.of(2, 5, 40));
        assertEquals(3, c.keptPatches());
        assertEquals(4, c.positionRows());
        assertEquals(50, DeiTConfig.mini().positionRows());
        assertFalse(c.isDense());
        assertEquals(List.of(2, 5, 40), c.withClasses(3).withDepth(2).keptPositions());
        assertTrue(c.withDropPath(0.1).patchGates());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeiTConfig.mini().withKeptPositions(List.of(3, 3)));
        assertTrue(e.getMessage().contains("[3, 3]") && e.getMessage().contains("0..48"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeiTConfig.mini().withKeptPositions(List.of(49)));
        assertTrue(e.getMessage().contains("0..48"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeiTConfig.mini().withKeptPositions(List.of()));
        assertTrue(e.getMessage().contains("at least one"), e.getMessage());
    }

    @Test
    void patchGatesAndATokenSelectionAreRefusedTogether() {
        DeiTConfig selected = DeiTConfig.mini().withTokenSelection(
                TokenSelection.count(20));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> selected.withPatchGates(true));
        assertTrue(e.getMessage().contains("token selection") && e.getMessage().contains("patch gates"), e.getMessage());
    }
}
