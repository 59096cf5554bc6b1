package io.svite.core.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A tensor's importance scores summed over the batches since the last pruning event, on the
 * device; one array, replaced (not added to) when a new sum starts, so the array count stays
 * constant.
 */
final class ScoreSum {

    private NDArray sum;

    /**
     * The sum so far.
     *
     * @return the sum, or null before the first summed batch
     */
    NDArray sum() {
        return sum;
    }

    /**
     * Adds one batch's scores, allocating the sum in {@code manager} the first time.
     *
     * @param batchScores the batch's scores
     * @param manager the owner of the sum
     */
    void add(NDArray batchScores, NDManager manager) {
        if (sum == null) {
            sum = batchScores.zerosLike();
            sum.attach(manager);
        }
        sum.addi(batchScores);
    }

    /** Starts a new sum of zeros in place of the old one. */
    void reset() {
        if (sum != null) {
            NDArray fresh = sum.zerosLike();
            fresh.attach(sum.getManager());
            sum.close();
            sum = fresh;
        }
    }

    /** Frees the sum for good (no event left to use it). */
    void drop() {
        if (sum != null) {
            sum.close();
            sum = null;
        }
    }

    /**
     * Replaces the sum by a restored one.
     *
     * @param restored the sum, owned by the engine, or null
     */
    void restore(NDArray restored) {
        drop();
        sum = restored;
    }
}
