package io.svite.models.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import io.svite.models.compact.SoftGates.BlockGates;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class SoftGatesTest {

    /** 6 heads of 8, 96 hidden units, 4 blocks, 16×16 RGB, 7 classes. */
    static final DeiTConfig SIX_HEADS = DeiTConfig.of(16, 3, 4, 48, 4, 6, 2.0, 7, 0.0);

    /** Soft values in (−1.5, 1.5), about a third of them exactly 0, each block keeping one head and neuron. */
    static List<BlockGates> softValues(DeiT deit, Random random) {
        List<BlockGates> out = new ArrayList<>();
        for (int i = 0; i < deit.blocks().size(); i++) {
            out.add(new BlockGates(
                    values(deit.blocks().get(i).attention().heads(), random),
                    values(deit.blocks().get(i).mlp().hidden(), random)));
        }
        return out;
    }

    private static float[] values(int n, Random random) {
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
            v[j] = random.nextInt(3) == 0 ? 0f : (float) (random.nextDouble() * 3 - 1.5);
        }
        v[random.nextInt(n)] = 0.7f;
        return v;
    }

    @Test
    void foldingSoftGatesKeepsTheOutputAndLeavesExactZeroOneGatesThatCompactExactly() {
        try (NDManager root = NDManager.newBaseManager()) {
            DeiT deit = CompactorTest.randomDeiT(SIX_HEADS, root);
            List<BlockGates> soft = softValues(deit, new Random(3));
            SoftGates.write(deit, soft);
            NDArray x = root.randomNormal(CompactorTest.input(SIX_HEADS, 2));
            NDArray masked = CompactorTest.forward(deit, root, x);

            SoftGates.fold(deit);
            for (BlockGates g : SoftGates.read(deit)) {
                for (float v : g.heads()) {
                    assertTrue(v == 0f || v == 1f, "folded head gate " + v);
                }
                for (float v : g.neurons()) {
                    assertTrue(v == 0f || v == 1f, "folded neuron gate " + v);
                }
            }
            float folded = CompactorTest.forward(deit, root, x).sub(masked).abs().max().getFloat();
            assertTrue(folded <= 1e-5f, "folding changed the output by " + folded);

            DeiT compact = Compactor.compact(deit, root);
            float diff = CompactorTest.forward(compact, root, x).sub(masked).abs().max().getFloat();
            assertTrue(diff <= 1e-5f, "compacted output differs from the soft-masked model's by " + diff);
            assertEquals(CostModel.of(compact.config()).estimate().params(), CompactorTest.parametersWithoutGates(compact));
            // a model whose soft gates are not all 1 is not dense any more, and softness had an effect
            assertTrue(compact.config().blocks().stream().anyMatch(b -> b.heads() < 6));
        }
    }

    @Test
    void refusesNonFiniteGates() {
        try (NDManager root = NDManager.newBaseManager()) {
            DeiT deit = CompactorTest.randomDeiT(SIX_HEADS, root);
            List<BlockGates> soft = softValues(deit, new Random(1));
            soft.get(2).neurons()[5] = Float.NaN;
            SoftGates.write(deit, soft);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SoftGates.fold(deit));
            assertTrue(e.getMessage().contains("block 2 neuron_gate[5] is NaN"), e.getMessage());
        }
    }
}
