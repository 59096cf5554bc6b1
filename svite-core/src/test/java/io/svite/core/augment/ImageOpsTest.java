package io.svite.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The per-image operations: shapes and ranges kept, magnitude 0 is the identity, same seed → same image. */
class ImageOpsTest {

    /** A random RGB image of h × w with values in [0, 1]. */
    static Pixels image(int channels, int h, int w, long seed) {
        Random r = new Random(seed);
        float[] d = new float[channels * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextInt(256) / 255f;
        }
        return new Pixels(d, channels, h, w);
    }

    private static void assertInRange(Pixels p) {
        for (float v : p.data()) {
            assertTrue(v >= 0 && v <= 1, "value " + v + " outside [0, 1]");
        }
    }

    private static List<ImageOp> everyOp(int size) {
        return List.of(new Resize(size), new RandomResizedCrop(size, 0.08, 1, 3 / 4.0, 4 / 3.0), new RandomCrop(size, 4),
                new HorizontalFlip(0.5), new ColorJitter(0.4, 0.4, 0.4), new RandAugment(3, 10));
    }

    @Test
    void everyOperationKeepsChannelsAndValueRangeAndGivesTheSizeAskedFor() {
        Pixels in = image(3, 40, 30, 1);
        for (ImageOp op : everyOp(24)) {
            for (int seed = 0; seed < 20; seed++) {
                Pixels out = op.apply(in, new Random(seed));
                assertEquals(3, out.channels(), op.getClass().getSimpleName());
                boolean resizes = !(op instanceof HorizontalFlip || op instanceof ColorJitter || op instanceof RandAugment);
                assertEquals(resizes ? 24 : 40, out.height(), op.getClass().getSimpleName());
                assertEquals(resizes ? 24 : 30, out.width(), op.getClass().getSimpleName());
                assertInRange(out);
            }
        }
    }

    @Test
    void everyRandAugmentOperationAtFullMagnitudeKeepsTheRangeAndChangesTheImage() {
        Pixels in = image(3, 16, 16, 2);
        for (int op = 0; op < RandAugment.OPERATIONS.size(); op++) {
            for (double sign : new double[] {-1, 1}) {
                Pixels out = RandAugment.apply(in, op, 1, sign);
                assertInRange(out);
                assertFalse(Arrays.equals(in.data(), out.data()), RandAugment.OPERATIONS.get(op) + " at magnitude 10");
            }
        }
    }

    @Test
    void magnitudeZeroIsTheIdentity() {
        Pixels in = image(3, 16, 16, 3);
        for (int op = 0; op < RandAugment.OPERATIONS.size(); op++) {
            assertSame(in, RandAugment.apply(in, op, 0, 1), RandAugment.OPERATIONS.get(op));
        }
        for (int seed = 0; seed < 10; seed++) {
            assertArrayEquals(in.data(), new RandAugment(2, 0).apply(in, new Random(seed)).data());
            assertArrayEquals(in.data(), new ColorJitter(0, 0, 0).apply(in, new Random(seed)).data());
            assertArrayEquals(in.data(), new HorizontalFlip(0).apply(in, new Random(seed)).data());
            assertArrayEquals(in.data(), new RandomCrop(16, 0).apply(in, new Random(seed)).data());
            // the whole image, unchanged ratio: a crop of scale and ratio 1 is the resize
            assertArrayEquals(in.data(), new RandomResizedCrop(16, 1, 1, 1, 1).apply(in, new Random(seed)).data());
        }
    }

    @Test
    void theSameSeedGivesTheSameImageAndAnotherSeedAnotherOne() {
        Pixels in = image(3, 32, 32, 4);
        for (ImageOp op : everyOp(24)) {
            Pixels a = op.apply(in, new Random(11));
            Pixels b = op.apply(in, new Random(11));
            assertArrayEquals(a.data(), b.data(), op.getClass().getSimpleName());
        }
        ImageOp crop = new RandomResizedCrop(24, 0.08, 1, 3 / 4.0, 4 / 3.0);
        assertFalse(Arrays.equals(crop.apply(in, new Random(1)).data(), crop.apply(in, new Random(2)).data()));
    }

    @Test
    void aFlipMirrorsEveryRowAndTwoFlipsRestoreTheImage() {
        Pixels in = image(3, 5, 7, 5);
        HorizontalFlip flip = new HorizontalFlip(1);
        Pixels once = flip.apply(in, new Random(0));
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 7; x++) {
                    assertEquals(in.get(c, y, x), once.get(c, y, 6 - x));
                }
            }
        }
        assertArrayEquals(in.data(), flip.apply(once, new Random(0)).data());
    }

    @Test
    void aPaddedCropShiftsTheImageAndFillsWithBlack() {
        Pixels in = new Pixels(filled(1, 8, 8, 1f), 1, 8, 8);
        boolean sawBlack = false;
        for (int seed = 0; seed < 20; seed++) {
            Pixels out = new RandomCrop(8, 2).apply(in, new Random(seed));
            long ones = 0;
            for (float v : out.data()) {
                assertTrue(v == 0 || v == 1);
                ones += v == 1 ? 1 : 0;
            }
            assertTrue(ones >= 6 * 6, "at most 2 pixels of padding on each side: " + ones);
            sawBlack |= ones < 64;
        }
        assertTrue(sawBlack);
    }

    @Test
    void badSettingsNameTheValueAndTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RandAugment(2, 11));
        assertEquals("RandAugment magnitude must be in [0, 10], got 11.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RandAugment(2, -1));
        assertEquals("RandAugment magnitude must be in [0, 10], got -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new HorizontalFlip(1.5));
        assertEquals("flip probability must be in [0, 1], got 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(8, 0, 1, 1, 1));
        assertTrue(e.getMessage().startsWith("crop scale must satisfy 0 < min <= max <= 1, got [0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ColorJitter(-0.1, 0, 0));
        assertEquals("colour jitter strengths must be >= 0, got -0.1", e.getMessage());
    }

    private static float[] filled(int c, int h, int w, float v) {
        float[] d = new float[c * h * w];
        Arrays.fill(d, v);
        return d;
    }
}
