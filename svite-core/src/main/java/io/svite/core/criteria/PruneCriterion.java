package io.svite.core.criteria;

import ai.djl.ndarray.NDArray;

/**
 * Scores the active weights of a layer at a mask update: the lowest-scoring ones are pruned.
 *
 * <p>Contract: {@code weight} and {@code gradient} (the dense gradient of the current batch, summed
 * over devices) have the same shape and device and are attached to a scope the engine closes
 * after the update, so arrays derived from them by ordinary ops are freed with it. The score
 * must have the same shape, stay on the device, and leave both inputs unchanged. Only the scores
 * of active entries are compared.
 */
public interface PruneCriterion {

    /**
     * The importance of every entry (higher = keep).
     *
     * @param weight the layer's weight W, with pruned entries at 0
     * @param gradient the dense gradient ∂L/∂W of the current batch
     * @return a score per entry, same shape as W
     */
    NDArray score(NDArray weight, NDArray gradient);

    /**
     * Whether the score reads the gradient. The pruning schedule of a {@code SparseTrainer} sums such
     * scores over the batches before each pruning event instead of using one batch, and refuses
     * them for an event at step 0, where no gradient exists yet. SViTE's prune-and-grow uses the
     * gradient of the current batch either way.
     *
     * @return true if {@link #score} depends on {@code gradient}; false by default
     */
    default boolean usesGradient() {
        return false;
    }

    /**
     * |W|: prune the smallest weights (SViTE, RigL, SET). The default.
     *
     * @return the criterion
     */
    static PruneCriterion magnitude() {
        return Criteria.MAGNITUDE;
    }

    /**
     * A uniform random score: prune active weights at random (a baseline). Draws from the engine's
     * random generator, so it follows {@code Engine.setRandomSeed}.
     *
     * @return the criterion
     */
    static PruneCriterion random() {
        return Criteria.RANDOM;
    }

    /**
     * |W ⊙ ∂L/∂W|: the first-order Taylor estimate of how much the loss changes when an entry is
     * set to zero (Molchanov et al., "Importance Estimation for Neural Network Pruning", 2019, at
     * the granularity of single weights). Since it estimates a change of the loss, scores of
     * different layers are comparable, which is what a global threshold needs. {@link
     * #usesGradient()} is true: a pruning schedule sums it over batches.
     *
     * @return the criterion
     */
    static PruneCriterion taylor() {
        return Criteria.TAYLOR;
    }
}
