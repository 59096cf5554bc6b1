package io.svite.core.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

class InitialMasksTest {

    private static long ones(float[] mask) {
        long n = 0;
        for (float v : mask) {
            assertTrue(v == 0f || v == 1f, "entry " + v);
            n += v == 1f ? 1 : 0;
        }
        return n;
    }

    @Test
    void countsAreExactAtEveryDensity() {
        for (long k : new long[] {0, 1, 17, 500, 501, 999, 1000}) {
            assertEquals(k, ones(InitialMasks.draw(3, "w", 1000, k)), "k = " + k);
        }
    }

    @Test
    void theSameSeedAndNameGiveTheSameMaskAndOthersDiffer() {
        float[] a = InitialMasks.draw(7, "block0_mlp_fc1_weight", 4096, 1234);
        assertArrayEquals(a, InitialMasks.draw(7, "block0_mlp_fc1_weight", 4096, 1234));
        assertFalse(Arrays.equals(a, InitialMasks.draw(8, "block0_mlp_fc1_weight", 4096, 1234)));
        assertFalse(Arrays.equals(a, InitialMasks.draw(7, "block1_mlp_fc1_weight", 4096, 1234)));
    }

    @Test
    void entriesAreSpreadUniformly() {
        // Over many seeds each position is active with probability k/n: check the two halves.
        int n = 100;
        long[] hits = new long[n];
        for (int seed = 0; seed < 2000; seed++) {
            float[] m = InitialMasks.draw(seed, "w", n, 30);
            for (int i = 0; i < n; i++) {
                hits[i] += (long) m[i];
            }
        }
        long first = Arrays.stream(hits, 0, 50).sum();
        long second = Arrays.stream(hits, 50, 100).sum();
        assertEquals(60_000, first + second);
        assertTrue(Math.abs(first - second) < 3000, first + " vs " + second);
        assertTrue(Arrays.stream(hits).min().getAsLong() > 450, "every position is drawn about 600 times");
    }
}
