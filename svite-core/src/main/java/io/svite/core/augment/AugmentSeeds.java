package io.svite.core.augment;

/**
 * The seeds of the augmentation generators: a pure function of (run seed, epoch, item), so an
 * image's augmentation is the same whichever worker thread makes it, and a resumed run (which
 * restores the epoch and skips the batches done) draws the same numbers.
 */
public final class AugmentSeeds {

    private static final long IMAGE = 0x632BE59BD9B4E019L;
    private static final long BATCH = 0x85157AF5F9A8F3E5L;

    private AugmentSeeds() {}

    /**
     * The seed of one image's per-image operations.
     *
     * @param seed the run's seed
     * @param epoch the epoch, from 0
     * @param index the image's index in the dataset
     * @return the seed
     */
    public static long image(long seed, int epoch, long index) {
        return mix(seed ^ IMAGE, epoch, index);
    }

    /**
     * The seed of one batch's batch operations.
     *
     * @param seed the run's seed
     * @param epoch the epoch, from 0
     * @param firstIndex the dataset index of the batch's first image (with the epoch, this names the batch)
     * @return the seed
     */
    public static long batch(long seed, int epoch, long firstIndex) {
        return mix(seed ^ BATCH, epoch, firstIndex);
    }

    private static long mix(long seed, int epoch, long item) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L) + 0xC2B2AE3D27D4EB4FL * (item + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
