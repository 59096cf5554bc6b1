package io.svite.core.augment;

import java.util.Random;

/**
 * A per-image augmentation: a new image from an image and a random generator that the pipeline
 * seeds from (run seed, epoch, image), so the result does not depend on which thread ran it.
 *
 * <p>Implementations never change their input and keep values in [0, 1].
 */
@FunctionalInterface
public interface ImageOp {

    /**
     * Transforms one image.
     *
     * @param image the image, values in [0, 1]
     * @param random the image's own generator
     * @return the transformed image (may be {@code image} itself when nothing changes)
     */
    Pixels apply(Pixels image, Random random);
}
