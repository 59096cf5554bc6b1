package io.svite.models.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.cost.CostModel;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

class StructuredBudgetTest {

    private static List<BlockShape> every(int depth, int heads, int hidden) {
        return Collections.nCopies(depth, new BlockShape(heads, hidden));
    }

    @Test
    void deitSmallAtHeads07Neurons06KeepsFourHeadsAnd921Neurons() {
        DeiTConfig compact = StructuredBudget.fractions(0.7, 0.6).apply(DeiTConfig.small());
        assertEquals(every(12, 4, 921), compact.blocks());
        assertEquals(384, compact.width());
        assertEquals(64, compact.headDim());
        // 12 blocks of qkv (768×384 + 768), proj (384×256 + 384), fc1 (921×384 + 921),
        // fc2 (384×921 + 384), 4 norm vectors; plus embedding, tokens, final norm and head.
        long block = 768L * 384 + 768 + 384L * 256 + 384 + 921L * 384 + 921 + 384L * 921 + 384 + 4 * 384;
        long rest = 384L * 768 + 384 + 384 + 197L * 384 + 2 * 384 + 1000L * 384 + 1000;
        assertEquals(12 * block + rest, CostModel.of(compact).dense().params());
    }

    @Test
    void countsComeFromTheDenseArchitectureSoApplyingTwiceChangesNothing() {
        StructuredBudget budget = StructuredBudget.fractions(0.7, 0.6);
        DeiTConfig once = budget.apply(DeiTConfig.small());
        assertEquals(once, budget.apply(once));
    }

    @Test
    void aSingleSparsityKeepsOneMinusSOfBothUnits() {
        // 6 · 0.6 = 3.6 → 3 heads; 1536 · 0.6 = 921.6 → 921 neurons.
        assertEquals(every(12, 3, 921), StructuredBudget.uniform(0.4).shapes(DeiTConfig.small()));
        assertEquals(DeiTConfig.small(), StructuredBudget.uniform(0).apply(DeiTConfig.small()));
        assertEquals(every(6, 1, 192), StructuredBudget.uniform(0.5).shapes(DeiTConfig.mini()));
    }

    @Test
    void productsJustBelowAWholeNumberAreNotRoundedAwayByFloatingPoint() {
        // width 50, MLP ratio 2 → 100 neurons; 100 · 0.29 is 28.999999999999996 in doubles.
        DeiTConfig config = DeiTConfig.of(16, 1, 4, 50, 1, 5, 2.0, 10, 0.0);
        assertEquals(List.of(new BlockShape(3, 29)), StructuredBudget.fractions(0.6, 0.29).shapes(config));
    }

    @Test
    void erdosRenyiGivesAttentionMoreThanTheMlpAndSpendsTheBudget() {
        DeiTConfig small = DeiTConfig.small();
        ErdosRenyiFractions er = new ErdosRenyiFractions(0.4);
        double[] f = er.fractions(small);
        assertEquals(0.675, f[0], 1e-12);
        assertEquals(0.5625, f[1], 1e-12);
        // attention 4·384·384 weights, MLP 2·384·1536: 0.6 of them are kept.
        double attn = 4.0 * 384 * 384;
        double mlp = 2.0 * 384 * 1536;
        assertEquals(0.6 * (attn + mlp), f[0] * attn + f[1] * mlp, 1e-6);
        // ⌊6 · 0.675⌋ = 4 heads, ⌊1536 · 0.5625⌋ = 864 neurons in every block.
        assertEquals(every(12, 4, 864), StructuredBudget.erdosRenyi(0.4).shapes(small));
    }

    @Test
    void erdosRenyiKeepsAGroupWholeWhenItsShareWouldExceedOne() {
        double[] f = new ErdosRenyiFractions(0.05).fractions(DeiTConfig.small());
        assertEquals(1.0, f[0], 0);
        // the MLP takes the rest: (0.95 · 1769472 − 589824) / 1179648 = 0.925
        assertEquals(0.925, f[1], 1e-12);
        assertEquals(every(12, 6, 1420), StructuredBudget.erdosRenyi(0.05).shapes(DeiTConfig.small()));
        assertEquals(DeiTConfig.small(), StructuredBudget.erdosRenyi(0).apply(DeiTConfig.small()));
    }

    @Test
    void budgetsThatLeaveABlockWithoutUnitsAreRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class,
                        () -> StructuredBudget.fractions(0.1, 0.6).apply(DeiTConfig.small()));
        assertTrue(e.getMessage().contains("floor(6 × 0.1) = 0 of 6 heads in block 0"), e.getMessage());
        assertTrue(e.getMessage().contains("at least 1/6"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> StructuredBudget.fractions(1, 0.001).apply(DeiTConfig.mini()));
        assertTrue(e.getMessage().contains("0 of 384 neurons"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> StructuredBudget.uniform(0.9).apply(DeiTConfig.mini()));
        assertTrue(e.getMessage().contains("0 of 3 heads"), e.getMessage());
    }

    @Test
    void fractionsAndSparsitiesOutOfRangeAreRefused() {
        for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> StructuredBudget.fractions(bad, 0.5));
            assertTrue(e.getMessage().contains("heads kept must be in (0, 1], got " + bad), e.getMessage());
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> StructuredBudget.fractions(0.5, 0));
        assertTrue(e.getMessage().contains("neurons kept"), e.getMessage());
        for (double bad : new double[] {1, -0.5, Double.NaN}) {
            e = assertThrows(IllegalArgumentException.class, () -> StructuredBudget.uniform(bad));
            assertTrue(e.getMessage().contains("must be in [0, 1), got " + bad), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> StructuredBudget.erdosRenyi(bad));
            assertTrue(e.getMessage().contains("must be in [0, 1), got " + bad), e.getMessage());
        }
    }
}
