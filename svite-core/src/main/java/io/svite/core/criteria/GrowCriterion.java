package io.svite.core.criteria;

import ai.djl.ndarray.NDArray;

/**
 * Scores the inactive weights of a layer at a mask update: the highest-scoring ones are grown.
 *
 * <p>Same contract as {@link PruneCriterion}: inputs live in a scope the engine closes after the
 * update; the score has the weight's shape, stays on the device and leaves the inputs unchanged.
 * Only the scores of inactive entries (including those pruned in this update) are compared.
 */
public interface GrowCriterion {

    /**
     * The expected benefit of switching on every entry (higher = grow).
     *
     * @param weight the layer's weight W, with inactive entries at 0
     * @param gradient the dense gradient ∂L/∂W of the current batch
     * @return a score per entry, same shape as W
     */
    NDArray score(NDArray weight, NDArray gradient);

    /**
     * |∂L/∂W|: grow where the loss would fall fastest (RigL; SViTE). The default.
     *
     * @return the criterion
     */
    static GrowCriterion gradientMagnitude() {
        return Criteria.GRADIENT_MAGNITUDE;
    }

    /**
     * A uniform random score: grow at random (SET). Draws from the engine's random generator.
     *
     * @return the criterion
     */
    static GrowCriterion random() {
        return Criteria.RANDOM;
    }
}
