package io.svite.models.run;

import io.svite.core.data.InputSpec;
import io.svite.models.deit.DeiTConfig;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;

import java.io.IOException;
import java.util.Iterator;

/**
 * The fixed images a run's token snapshots show: the first {@value #COUNT} test images of its
 * dataset, in the test split's fixed order, read once on the run's device and freed with the run.
 */
final class TokenImages implements AutoCloseable {

    /** How many test images the snapshots show. */
    static final int COUNT = 4;

    private final RunInputs in;
    private NDManager manager;
    private NDArray images;

    TokenImages(RunInputs in) {
        this.in = in;
    }

    /**
     * The images as the model's inputs.
     *
     * @param config the model's architecture (image size and channels)
     * @return (n, C, S, S) on the run's device, n ≤ {@value #COUNT}
     * @throws IllegalStateException if the test split cannot be read or is empty
     */
    NDArray get(DeiTConfig config) {
        if (images != null) {
            return images;
        }
        manager = NDManager.newBaseManager(in.device());
        try {
            Iterator<Batch> batches = in.data()
                    .test(new InputSpec(config.imageSize(), config.channels()), COUNT)
                    .getData(manager)
                    .iterator();
            if (!batches.hasNext()) {
                throw new IllegalStateException(in.data().name() + " has no test images for the token snapshots");
            }
            try (Batch batch = batches.next()) {
                NDArray x = batch.getData().head().toDevice(in.device(), true);
                x.attach(manager);
                images = x;
            }
        } catch (IOException | TranslateException e) {
            throw new IllegalStateException("cannot read the test images of " + in.data().name() + ": " + e.getMessage(), e);
        }
        return images;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
            manager = null;
            images = null;
        }
    }

    /** The device the images live on. */
    Device device() {
        return in.device();
    }
}
