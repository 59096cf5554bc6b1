package io.svite.models.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.deit.DeiTConfig;

import org.junit.jupiter.api.Test;

class SmallDenseTest {

    @Test
    void theBudgetIsTheSparseModelsNonZeroParameters() {
        // DeiT-Tiny: 5,647,872 weights in the sparse layers (patch 147,456 + 12 × 442,368 + head 192,000)
        assertEquals(5_717_416L, SmallDense.budget(DeiTConfig.tiny(), 0));
        assertEquals(5_717_416L - 5_647_872L / 2, SmallDense.budget(DeiTConfig.tiny(), 0.5));
        // dense parameters per depth: 379,048 outside the blocks + 444,864 per block
        assertEquals(379_048L + 8 * 444_864L, SmallDense.denseParams(DeiTConfig.tiny(), 8));
        assertEquals(757_096L + 6 * 1_774_464L, SmallDense.denseParams(DeiTConfig.small(), 6));
        assertEquals(1_513_192L + 6 * 7_087_872L, SmallDense.denseParams(DeiTConfig.base(), 6));
    }

    @Test
    void thePapersSmallDenseDepthsComeOutOfTheNearestRule() {
        // The paper's Small-Dense models: DeiT-Tiny with 8 blocks, Small and Base with 6.
        // Budgets 30 % (Tiny) and 50 % (Small, Base) reproduce them under NEAREST:
        //   Tiny 30 %: 4,023,054 params, 8 blocks = 3,937,960 (7.5 <= x = 8.19 < 8.5)
        //   Small 50 %: 11,094,376, 6 blocks = 11,403,880 (x = 5.83)
        //   Base 50 %: 43,421,416, 6 blocks = 44,040,424 (x = 5.91)
        assertEquals(8, SmallDense.depth(DeiTConfig.tiny(), 0.3, DepthRule.NEAREST));
        assertEquals(6, SmallDense.depth(DeiTConfig.small(), 0.5, DepthRule.NEAREST));
        assertEquals(6, SmallDense.depth(DeiTConfig.base(), 0.5, DepthRule.NEAREST));
        // AT_MOST never exceeds the budget, so it stays one block shallower for Small and Base
        assertEquals(8, SmallDense.depth(DeiTConfig.tiny(), 0.3, DepthRule.AT_MOST));
        assertEquals(5, SmallDense.depth(DeiTConfig.small(), 0.5, DepthRule.AT_MOST));
        assertEquals(5, SmallDense.depth(DeiTConfig.base(), 0.5, DepthRule.AT_MOST));
        // and at 40 % both rules give 7 for Small and Base, 6 or 7 for Tiny: not the paper's depths
        assertEquals(7, SmallDense.depth(DeiTConfig.small(), 0.4, DepthRule.NEAREST));
        assertEquals(7, SmallDense.depth(DeiTConfig.base(), 0.4, DepthRule.NEAREST));
        assertEquals(7, SmallDense.depth(DeiTConfig.tiny(), 0.4, DepthRule.NEAREST));
        assertEquals(6, SmallDense.depth(DeiTConfig.tiny(), 0.4, DepthRule.AT_MOST));
    }

    @Test
    void eachRuleIsWhatItSaysAtEverySparsity() {
        for (DeiTConfig config : new DeiTConfig[] {DeiTConfig.mini(), DeiTConfig.tiny(), DeiTConfig.small()}) {
            for (double s = 0; s < 0.9; s += 0.05) {
                long budget = SmallDense.budget(config, s);
                int nearest = SmallDense.depth(config, s, DepthRule.NEAREST);
                for (int d = 1; d <= config.depth(); d++) {
                    assertTrue(Math.abs(SmallDense.denseParams(config, nearest) - budget)
                            <= Math.abs(SmallDense.denseParams(config, d) - budget), "s " + s + " depth " + d);
                }
                if (SmallDense.denseParams(config, 1) <= budget) {
                    int atMost = SmallDense.depth(config, s, DepthRule.AT_MOST);
                    assertTrue(SmallDense.denseParams(config, atMost) <= budget);
                    assertTrue(atMost == config.depth() || SmallDense.denseParams(config, atMost + 1) > budget);
                }
            }
            assertEquals(config.depth(), SmallDense.depth(config, 0, DepthRule.NEAREST));
            assertEquals(config.depth(), SmallDense.depth(config, 0, DepthRule.AT_MOST));
        }
        DeiTConfig shallow = SmallDense.config(DeiTConfig.tiny(), 0.3, DepthRule.NEAREST);
        assertEquals(8, shallow.depth());
        assertTrue(shallow.isDense());
        assertEquals(DeiTConfig.tiny().width(), shallow.width());
    }

    @Test
    void aBudgetBelowOneBlockIsAClearErrorUnderAtMost() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SmallDense.depth(DeiTConfig.tiny(), 0.99, DepthRule.AT_MOST));
        assertTrue(e.getMessage().contains("below the 823,912 of a one-block model"), e.getMessage());
        assertEquals(1, SmallDense.depth(DeiTConfig.tiny(), 0.99, DepthRule.NEAREST));
        e = assertThrows(IllegalArgumentException.class, () -> SmallDense.budget(DeiTConfig.tiny(), 1.0));
        assertTrue(e.getMessage().contains("sparsity must be in [0, 1), got 1.0"), e.getMessage());
    }
}
