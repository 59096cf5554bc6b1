package io.svite.core.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.Random;

/**
 * An augmentation of a whole batch on its device: NDArray operations on the normalised images and
 * the soft targets, with only a few scalars (boxes, mixing weights) drawn in Java from a generator
 * the pipeline seeds from (run seed, epoch, batch).
 */
@FunctionalInterface
public interface BatchOp {

    /**
     * Transforms a batch.
     *
     * @param images (B, C, H, W) normalised images
     * @param targets (B, K) soft targets, each row summing to 1
     * @param random the batch's own generator
     * @return the new images and targets, in the images' manager
     */
    NDList apply(NDArray images, NDArray targets, Random random);
}
