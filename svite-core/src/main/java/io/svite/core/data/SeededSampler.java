package io.svite.core.data;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Batches of indices in an order that depends only on the seed and the epoch, so a run can be
 * repeated, or resumed mid-epoch, exactly.
 *
 * <p>Each call to {@link #sample} starts the next epoch: the permutation of epoch e is a
 * Fisher–Yates shuffle driven by {@code new Random(seed ⊕ e·φ)}; the last partial batch is kept.
 * With {@code shuffle = false} the order is 0 … n−1.
 */
public final class SeededSampler implements Sampler {

    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private int nextEpoch;
    private long skipBatches;

    /**
     * Creates a sampler.
     *
     * @param batchSize indices per batch, at least 1
     * @param shuffle whether to permute the indices each epoch
     * @param seed the seed of every permutation
     */
    public SeededSampler(int batchSize, boolean shuffle, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    /**
     * Positions the sampler so that the next {@link #sample} call produces epoch {@code epoch},
     * starting after its first {@code batchesDone} batches (used to resume a run).
     *
     * @param epoch the epoch to produce next, from 0
     * @param batchesDone batches of that epoch to skip
     */
    public void seek(int epoch, long batchesDone) {
        this.nextEpoch = epoch;
        this.skipBatches = batchesDone;
    }

    /**
     * The epoch the next call to {@link #sample} produces.
     *
     * @return the epoch, from 0
     */
    public int nextEpoch() {
        return nextEpoch;
    }

    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        int n = Math.toIntExact(dataset.size());
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random random = new Random(seed ^ (nextEpoch * 0x9E3779B97F4A7C15L));
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                long t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        nextEpoch++;
        long start = Math.min((long) n, skipBatches * batchSize);
        skipBatches = 0;
        return new Iterator<>() {
            private int pos = (int) start;

            @Override
            public boolean hasNext() {
                return pos < n;
            }

            @Override
            public List<Long> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int end = Math.min(n, pos + batchSize);
                List<Long> batch = new ArrayList<>(end - pos);
                for (int i = pos; i < end; i++) {
                    batch.add(order[i]);
                }
                pos = end;
                return batch;
            }
        };
    }

    @Override
    public int getBatchSize() {
        return batchSize;
    }
}
