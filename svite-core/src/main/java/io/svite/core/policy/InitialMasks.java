package io.svite.core.policy;

import java.util.SplittableRandom;

/**
 * Draws initial masks with an exact number of active entries, from a seed and the tensor's name
 * only, on the host: the same seed gives the same masks bit for bit on every machine and device,
 * and a layer's mask does not change when other layers are added to or removed from the selection.
 *
 * <p>A partial Fisher–Yates shuffle picks min(k, n − k) positions uniformly at random; they become
 * the active entries (or, when k &gt; n/2, the inactive ones).
 */
final class InitialMasks {

    private InitialMasks() {}

    /**
     * A 0/1 mask with exactly {@code active} ones among {@code size} entries.
     *
     * @param seed the run's mask seed
     * @param name the tensor's display name
     * @param size n, the number of entries
     * @param active k in [0, n]
     * @return the mask in row-major order
     */
    static float[] draw(long seed, String name, long size, long active) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor " + name + " has " + size + " entries; at most 2^31 are supported");
        }
        if (active < 0 || active > size) {
            throw new IllegalArgumentException("active count " + active + " outside [0, " + size + "] for " + name);
        }
        int n = (int) size;
        boolean pickActive = active <= n / 2;
        int picks = (int) (pickActive ? active : n - active);
        float[] mask = new float[n];
        if (!pickActive) {
            java.util.Arrays.fill(mask, 1f);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(layerSeed(seed, name));
        for (int i = 0; i < picks; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            mask[order[i]] = pickActive ? 1f : 0f;
        }
        return mask;
    }

    /** Mixes the run seed with a stable hash of the name (String.hashCode is fixed by the JLS). */
    static long layerSeed(long seed, String name) {
        long z = seed * 0x9E3779B97F4A7C15L + name.hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
