package io.svite.examples.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Sums per-batch losses and correct counts on the device, so the training loop reads nothing back
 * to the host until a value is displayed.
 */
final class DeviceAccumulator implements AutoCloseable {

    private final NDManager manager;
    private final NDArray lossSum;
    private final NDArray correct;
    private long batches;
    private long samples;

    DeviceAccumulator(Device device) {
        manager = NDManager.newBaseManager(device);
        lossSum = manager.zeros(new ai.djl.ndarray.types.Shape(), DataType.FLOAT32);
        correct = manager.zeros(new ai.djl.ndarray.types.Shape(), DataType.FLOAT32);
    }

    /**
     * Adds one batch.
     *
     * @param loss the batch's mean loss (scalar)
     * @param logits predictions (B, C)
     * @param labels class indices (B)
     */
    void add(NDArray loss, NDArray logits, NDArray labels) {
        lossSum.addi(loss.toType(DataType.FLOAT32, false));
        NDArray hits = logits.argMax(-1).toType(DataType.FLOAT32, false).eq(labels.toType(DataType.FLOAT32, false));
        correct.addi(hits.toType(DataType.FLOAT32, false).sum());
        batches++;
        samples += labels.getShape().get(0);
    }

    double meanLoss() {
        return batches == 0 ? Double.NaN : lossSum.getFloat() / batches;
    }

    double accuracy() {
        return samples == 0 ? Double.NaN : correct.getFloat() / samples;
    }

    long samples() {
        return samples;
    }

    long batches() {
        return batches;
    }

    void reset() {
        lossSum.muli(0);
        correct.muli(0);
        batches = 0;
        samples = 0;
    }

    @Override
    public void close() {
        manager.close();
    }
}
