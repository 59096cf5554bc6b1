package io.svite.core.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Sums per-batch losses and correct counts on the device, so the training loop reads nothing back
 * to the host until a value is displayed or checked.
 *
 * <p>It also watches for divergence on the device: {@code allFinite} stays 1 while every loss so
 * far was finite and {@code finitePrefix} counts the batches before the first NaN or infinite loss,
 * so one read-back at any later time says whether, and at which batch, the loss went bad.
 */
public final class DeviceAccumulator implements AutoCloseable {

    private final NDManager manager;
    private NDArray lossSum;
    private NDArray correct;
    private NDArray allFinite;
    private NDArray finitePrefix;
    private long batches;
    private long samples;

    /**
     * Creates empty sums on a device.
     *
     * @param device where the sums live (the device the losses and logits are on)
     */
    public DeviceAccumulator(Device device) {
        manager = NDManager.newBaseManager(device);
        lossSum = scalar(0f);
        correct = scalar(0f);
        allFinite = scalar(1f);
        finitePrefix = scalar(0f);
    }

    private NDArray scalar(float value) {
        return manager.create(value);
    }

    /**
     * Adds one batch.
     *
     * @param loss the batch's mean loss (scalar)
     * @param logits predictions (B, C)
     * @param labels class indices (B), or soft targets (B, C) whose largest class counts
     */
    public void add(NDArray loss, NDArray logits, NDArray labels) {
        NDArray l = loss.toType(DataType.FLOAT32, false);
        lossSum.addi(l);
        NDArray bad = l.isNaN().logicalOr(l.isInfinite());
        allFinite.muli(bad.logicalNot().toType(DataType.FLOAT32, false));
        finitePrefix.addi(allFinite);
        // soft targets (Mixup, CutMix) count a hit on their largest class
        NDArray classes = labels.getShape().dimension() == logits.getShape().dimension() ? labels.argMax(-1) : labels;
        NDArray hits = logits.argMax(-1).toType(DataType.FLOAT32, false).eq(classes.toType(DataType.FLOAT32, false));
        correct.addi(hits.toType(DataType.FLOAT32, false).sum());
        batches++;
        samples += labels.getShape().get(0);
    }

    /**
     * The mean loss of the batches added since the last reset (reads one value from the device).
     *
     * @return the mean loss, NaN before the first batch
     */
    public double meanLoss() {
        return batches == 0 ? Double.NaN : lossSum.getFloat() / batches;
    }

    /**
     * The fraction of correct predictions since the last reset (reads one value from the device).
     *
     * @return accuracy in [0, 1], NaN before the first batch
     */
    public double accuracy() {
        return samples == 0 ? Double.NaN : correct.getFloat() / samples;
    }

    /**
     * The samples added since the last reset.
     *
     * @return the count
     */
    public long samples() {
        return samples;
    }

    /**
     * The batches added since the last reset.
     *
     * @return the count
     */
    public long batches() {
        return batches;
    }

    /**
     * How many batches, from the first since the last reset, had a finite loss before the first
     * that did not (reads one value from the device).
     *
     * @return {@link #batches()} if every loss was finite
     */
    public long finiteBatches() {
        return (long) finitePrefix.getFloat();
    }

    /**
     * The accumulated values, exactly, for a checkpoint (reads them from the device).
     *
     * @return the snapshot
     */
    public Snapshot snapshot() {
        return new Snapshot(
                Float.floatToRawIntBits(lossSum.getFloat()),
                Float.floatToRawIntBits(correct.getFloat()),
                batches,
                samples,
                allFinite.getFloat() == 1f,
                finiteBatches());
    }

    /**
     * Continues from a snapshot.
     *
     * @param s the snapshot
     */
    public void restore(Snapshot s) {
        NDArray[] old = {lossSum, correct, allFinite, finitePrefix};
        lossSum = scalar(Float.intBitsToFloat(s.lossSumBits()));
        correct = scalar(Float.intBitsToFloat(s.correctBits()));
        allFinite = scalar(s.allFinite() ? 1f : 0f);
        finitePrefix = scalar(s.finiteBatches());
        for (NDArray a : old) {
            a.close();
        }
        batches = s.batches();
        samples = s.samples();
    }

    /** Starts the sums again from zero (the next epoch). */
    public void reset() {
        restore(new Snapshot(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(0f), 0, 0, true, 0));
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * The accumulator's state, with the sums as raw float bits so they round-trip exactly.
     *
     * @param lossSumBits {@code Float.floatToRawIntBits} of the loss sum
     * @param correctBits the same for the count of correct predictions
     * @param batches batches added
     * @param samples samples added
     * @param allFinite whether every loss was finite
     * @param finiteBatches batches before the first non-finite loss
     */
    public record Snapshot(int lossSumBits, int correctBits, long batches, long samples, boolean allFinite, long finiteBatches) {}
}
