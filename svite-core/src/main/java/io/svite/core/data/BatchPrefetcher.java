package io.svite.core.data;

import io.svite.core.augment.BatchOp;
import io.svite.core.augment.Pixels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * One epoch of an {@link AugmentedImages}: keeps the images of the next {@code prefetch} batches
 * submitted to the worker pool, and turns the oldest into a {@link Batch} on the caller's thread.
 */
final class BatchPrefetcher implements Iterator<Batch> {

    /** A batch whose images are being made. */
    private record Pending(List<Long> indices, List<Future<Pixels>> images) {}

    private final AugmentedImages data;
    private final NDManager manager;
    private final Iterator<List<Long>> order;
    private final int epoch;
    private final long total;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long produced;

    BatchPrefetcher(AugmentedImages data, NDManager manager, Iterator<List<Long>> order, int epoch, long total) {
        this.data = data;
        this.manager = manager;
        this.order = order;
        this.epoch = epoch;
        this.total = total;
        fill();
    }

    private void fill() {
        while (queue.size() < data.prefetch() && order.hasNext()) {
            List<Long> indices = order.next();
            List<Future<Pixels>> images = new ArrayList<>(indices.size());
            for (long i : indices) {
                images.add(data.pool().submit(() -> data.prepare((int) i, epoch)));
            }
            queue.add(new Pending(indices, images));
        }
    }

    @Override
    public boolean hasNext() {
        return !queue.isEmpty();
    }

    @Override
    public Batch next() {
        Pending p = queue.poll();
        if (p == null) {
            throw new NoSuchElementException();
        }
        fill();
        return assemble(p);
    }

    /** Stops the work not yet started (a new epoch began or the loop left early). */
    void cancel() {
        for (Pending p : queue) {
            p.images().forEach(f -> f.cancel(false));
        }
        queue.clear();
    }

    private Batch assemble(Pending p) {
        int b = p.indices().size();
        InputSpec in = data.input();
        int s = in.imageSize();
        int plane = in.channels() * s * s;
        float[] pixels = new float[b * plane];
        float[] labels = new float[b];
        for (int i = 0; i < b; i++) {
            Pixels image = await(p.images().get(i));
            System.arraycopy(image.data(), 0, pixels, i * plane, plane);
            labels[i] = data.label(p.indices().get(i).intValue());
        }
        NDManager batchManager = manager.newSubManager();
        try {
            NDArray x = batchManager.create(pixels, new Shape(b, in.channels(), s, s));
            NDArray y = batchManager.create(labels);
            if (data.device() != null) {
                x = x.toDevice(data.device(), false);
                y = y.toDevice(data.device(), false);
            }
            Shape perChannel = new Shape(1, in.channels(), 1, 1);
            x = x.sub(batchManager.create(data.mean(), perChannel).toDevice(x.getDevice(), false))
                    .div(batchManager.create(data.std(), perChannel).toDevice(x.getDevice(), false));
            List<BatchOp> ops = data.batchOps();
            if (!ops.isEmpty()) {
                NDArray targets = y.toType(DataType.INT64, false).oneHot(data.classes(), DataType.FLOAT32);
                Random random = data.batchRandom(epoch, p.indices().get(0));
                for (BatchOp op : ops) {
                    NDList out = op.apply(x, targets, random);
                    x = out.get(0);
                    targets = out.get(1);
                }
                y = targets;
            }
            return new Batch(batchManager, new NDList(x), new NDList(y), b, Batchifier.STACK, Batchifier.STACK,
                    produced++, total, p.indices());
        } catch (RuntimeException e) {
            batchManager.close();
            throw e;
        }
    }

    private static Pixels await(Future<Pixels> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while waiting for an image", e);
        } catch (CancellationException e) {
            throw new DataException("the image was cancelled: this epoch's batches were abandoned", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new DataException("cannot prepare an image: " + cause, cause);
        }
    }
}
