package io.svite.core.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;

import java.io.IOException;
import java.io.PrintStream;

/**
 * The test accuracy of a model in evaluation mode (deterministic token selection, no drop-path),
 * over the first batches of a test split in its fixed order.
 *
 * <p>Training reports the accuracy of its final model with this, and {@code svite eval} uses it on
 * the saved model with the run's test batches, so the two agree exactly. Correct predictions are
 * summed on the device; the host reads one number at the end (and when progress is shown).
 */
public final class Evaluation {

    private Evaluation() {}

    /**
     * What one evaluation measured.
     *
     * @param accuracy correct predictions / images, in [0, 1]
     * @param images images evaluated
     * @param batches batches evaluated
     */
    public record Result(double accuracy, long images, long batches) {}

    /**
     * Evaluates a model.
     *
     * @param model an initialised model
     * @param test the test split, batched
     * @param batchSize images per batch of {@code test} (for the progress display)
     * @param maxBatches evaluate at most this many batches, 0 for all
     * @param device where the model's parameters are
     * @param progressOut where to show progress, or null for none
     * @return the accuracy and how much was evaluated
     * @throws IllegalStateException if the data cannot be read
     */
    public static Result run(
            Model model, RandomAccessDataset test, int batchSize, long maxBatches, Device device, PrintStream progressOut) {
        ProgressPrinter progress = ProgressPrinter.to(progressOut);
        long all = (test.size() + batchSize - 1) / batchSize;
        long total = maxBatches > 0 ? Math.min(all, maxBatches) : all;
        long start = System.nanoTime();
        try (DeviceAccumulator acc = new DeviceAccumulator(device);
                NDManager scope = model.getNDManager().newSubManager(device)) {
            ParameterStore ps = new ParameterStore(scope, false);
            long done = 0;
            long limit = maxBatches > 0 ? maxBatches : Long.MAX_VALUE;
            for (Batch batch : iterate(test, scope)) {
                try (batch) {
                    ExitGuard.stopIfExiting("test batch " + (done + 1));
                    NDList x = batch.getData().toDevice(device, false);
                    NDArray labels = batch.getLabels().head().toDevice(device, false);
                    NDArray logits = model.getBlock().forward(ps, x, false).head();
                    acc.add(logits.getManager().zeros(new Shape()), logits, labels);
                }
                done++;
                if (progress.due()) {
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    progress.show("eval", done, total, String.format(java.util.Locale.ROOT, "acc %5.1f%%",
                            100 * acc.accuracy()), elapsed / done * (total - done));
                }
                if (done >= limit) {
                    break;
                }
            }
            return new Result(acc.accuracy(), acc.samples(), acc.batches());
        }
    }

    private static Iterable<Batch> iterate(RandomAccessDataset dataset, NDManager manager) {
        try {
            return dataset.getData(manager);
        } catch (IOException | TranslateException e) {
            throw new IllegalStateException("cannot read the test data: " + e.getMessage(), e);
        }
    }
}
