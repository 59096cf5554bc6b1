package io.svite.core.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.criteria.GrowCriterion;
import io.svite.core.criteria.PruneCriterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class MaskRewriteTest {

    private static float[] values(NDArray a) {
        return a.toFloatArray();
    }

    private static float[] indicator(int n, int... on) {
        float[] out = new float[n];
        for (int i : on) {
            out[i] = 1f;
        }
        return out;
    }

    @Test
    void prunesTheSmallestActiveAndGrowsTheLargestGradientsAmongAllInactive() {
        // 16 entries, 0..7 active with |w| = i + 1; gradients 0 on the active ones except entry 0
        // (100), and i on inactive entry i. With r = 3: prune 0, 1, 2; grow among {0, 1, 2, 8..15}
        // the three largest gradients: 0 (100), 15, 14. Entry 0 goes out and comes back: it is
        // neither pruned nor grown, and keeps its weight.
        float[] w = new float[16];
        float[] g = new float[16];
        for (int i = 0; i < 8; i++) {
            w[i] = (i % 2 == 0 ? 1 : -1) * (i + 1);
        }
        for (int i = 8; i < 16; i++) {
            g[i] = (i % 2 == 0 ? 1 : -1) * i;
        }
        g[0] = 100;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray mask = m.create(indicator(16, 0, 1, 2, 3, 4, 5, 6, 7), new Shape(4, 4));
            NDArray weight = m.create(w, new Shape(4, 4));
            NDArray grad = m.create(g, new Shape(4, 4));
            float[] maskBefore = values(mask);
            float[] weightBefore = values(weight);
            try (NDManager scope = m.newSubManager()) {
                MaskRewrite.Outcome o =
                        MaskRewrite.rewrite(
                                scope, mask, weight, grad, 3, PruneCriterion.magnitude(), GrowCriterion.gradientMagnitude());
                assertEquals(new Shape(4, 4), o.mask().getShape());
                assertArrayEquals(indicator(16, 0, 3, 4, 5, 6, 7, 14, 15), values(o.mask()));
                assertArrayEquals(indicator(16, 1, 2), values(o.pruned()));
                assertArrayEquals(indicator(16, 14, 15), values(o.grown()));
                assertArrayEquals(indicator(16, 0, 3, 4, 5, 6, 7), values(o.kept()));
            }
            assertArrayEquals(maskBefore, values(mask), "the current mask is left alone");
            assertArrayEquals(weightBefore, values(weight), "the weight is left alone");
        }
    }

    @Test
    void randomCriteriaConserveTheCountAndKeepPrunedAndGrownDisjoint() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray mask = m.create(InitialMasks.draw(1, "w", 600, 200), new Shape(20, 30));
            NDArray weight = m.randomNormal(new Shape(20, 30)).mul(mask);
            NDArray grad = m.randomNormal(new Shape(20, 30));
            try (NDManager scope = m.newSubManager()) {
                MaskRewrite.Outcome o =
                        MaskRewrite.rewrite(scope, mask, weight, grad, 80, PruneCriterion.random(), GrowCriterion.random());
                assertEquals(200f, o.mask().sum().getFloat());
                float pruned = o.pruned().sum().getFloat();
                assertEquals(pruned, o.grown().sum().getFloat());
                assertTrue(pruned > 40, "most of the 80 replaced entries are really new: " + pruned);
                assertEquals(0f, o.pruned().mul(o.grown()).sum().getFloat(), "disjoint");
                assertEquals(0f, o.pruned().mul(mask.neg().add(1)).sum().getFloat(), "pruned ⊆ active before");
                assertEquals(0f, o.grown().mul(mask).sum().getFloat(), "grown ⊆ inactive before");
            }
        }
    }
}
