package io.svite.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.Random;

/** Mixup, CutMix and random erasing on whole batches, on the device. */
class BatchOpsTest {

    private static final int B = 8;
    private static final int C = 3;
    private static final int S = 12;
    private static final int K = 5;

    private static NDArray images(NDManager m) {
        m.getEngine().setRandomSeed(7);
        return m.randomNormal(new Shape(B, C, S, S));
    }

    private static NDArray targets(NDManager m) {
        return m.create(new float[] {0, 1, 2, 3, 4, 0, 1, 2}).toType(DataType.INT64, false).oneHot(K, DataType.FLOAT32);
    }

    @Test
    void mixupAndCutmixKeepShapesAndTargetsThatSumToOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = images(m);
            NDArray y = targets(m);
            for (BatchOp op : new BatchOp[] {new MixupCutmix(0.8, Double.NaN, 1, 0), new MixupCutmix(Double.NaN, 1, 1, 0),
                    new MixupCutmix(0.8, 1, 1, 0.5)}) {
                for (int seed = 0; seed < 10; seed++) {
                    NDList out = op.apply(x, y, new Random(seed));
                    assertEquals(x.getShape(), out.get(0).getShape());
                    assertEquals(y.getShape(), out.get(1).getShape());
                    float[] sums = out.get(1).sum(new int[] {1}).toFloatArray();
                    for (float s : sums) {
                        assertEquals(1f, s, 1e-5f);
                    }
                    assertTrue(out.get(1).gte(0).all().getBoolean());
                }
            }
        }
    }

    @Test
    void mixupBlendsEachImageWithItsMirrorByTheWeightOfItsTargets() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = images(m);
            NDArray y = targets(m);
            NDList out = new MixupCutmix(0.8, Double.NaN, 1, 0).apply(x, y, new Random(3));
            // image 0 pairs with image 7 (class 2): λ is its target's weight on class 0
            float lambda = out.get(1).getFloat(0, 0);
            assertTrue(lambda > 0 && lambda < 1, "λ " + lambda);
            NDArray expected = x.get(0).mul(lambda).add(x.get(B - 1).mul(1 - lambda));
            assertTrue(out.get(0).get(0).sub(expected).abs().max().getFloat() < 1e-5f);
        }
    }

    @Test
    void cutmixPastesOneBoxWhoseAreaIsTheTargetsWeight() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = images(m);
            NDArray y = targets(m);
            NDList out = new MixupCutmix(Double.NaN, 1, 1, 0).apply(x, y, new Random(5));
            NDArray fromSelf = out.get(0).eq(x);
            NDArray fromMirror = out.get(0).eq(x.flip(0));
            assertTrue(fromSelf.logicalOr(fromMirror).all().getBoolean(), "every pixel is its own or its mirror's");
            float kept = fromSelf.get(0).get(0).toType(DataType.FLOAT32, false).mean().getFloat();
            assertEquals(out.get(1).getFloat(0, 0), kept, 1e-5f, "λ is the fraction of the image kept");
        }
    }

    @Test
    void randomErasingChangesOneRectanglePerImageAndNothingWithProbabilityZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = images(m);
            NDArray y = targets(m);
            NDList none = new RandomErasing(0).apply(x, y, new Random(1));
            assertArrayEquals(x.toFloatArray(), none.get(0).toFloatArray());
            NDList out = new RandomErasing(1).apply(x, y, new Random(1));
            assertEquals(x.getShape(), out.get(0).getShape());
            assertArrayEquals(y.toFloatArray(), out.get(1).toFloatArray(), "targets unchanged");
            for (int i = 0; i < B; i++) {
                float changed = out.get(0).get(i).get(0).neq(x.get(i).get(0)).toType(DataType.FLOAT32, false).mean().getFloat();
                assertTrue(changed >= 0.01 && changed <= 0.34, "image " + i + " erased fraction " + changed);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = images(m);
            NDArray y = targets(m);
            for (BatchOp op : new BatchOp[] {new MixupCutmix(0.8, 1, 1, 0.5), new RandomErasing(0.5)}) {
                NDList a = op.apply(x, y, new Random(9));
                NDList b = op.apply(x, y, new Random(9));
                assertArrayEquals(a.get(0).toFloatArray(), b.get(0).toFloatArray());
                assertArrayEquals(a.get(1).toFloatArray(), b.get(1).toFloatArray());
            }
        }
    }

    @Test
    void anAlphaOfZeroOrLessIsRefusedWithItsValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MixupCutmix(0, 1, 1, 0.5));
        assertEquals("Mixup α must be > 0 (leave it out to switch Mixup off), got 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MixupCutmix(0.8, -1, 1, 0.5));
        assertEquals("CutMix α must be > 0 (leave it out to switch CutMix off), got -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Augmentation.none().withMixup(-0.2, Double.NaN, 1, 0));
        assertTrue(e.getMessage().startsWith("Mixup α must be > 0"), e.getMessage());
    }

    @Test
    void betaDrawsHaveTheMeanOneHalfAndStayInsideZeroOne() {
        Random r = new Random(1);
        for (double alpha : new double[] {0.2, 0.8, 1, 4}) {
            double sum = 0;
            for (int i = 0; i < 4000; i++) {
                double v = BetaSampler.symmetric(alpha, r);
                assertTrue(v >= 0 && v <= 1);
                sum += v;
            }
            assertEquals(0.5, sum / 4000, 0.03, "α " + alpha);
        }
    }
}
