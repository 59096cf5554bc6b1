package io.svite.core.structured;

import ai.djl.ndarray.NDArray;

/**
 * Scores the units of a group at a structured update: the active units with the lowest prune
 * scores are switched off, the inactive units with the highest grow scores are switched on.
 *
 * <p>Contract: the score has shape (units), stays on the device, is created in (or attached to)
 * {@link UnitEvidence#scope()}, and leaves the evidence unchanged.
 */
@FunctionalInterface
public interface UnitCriterion {

    /**
     * The importance of every unit of the group (higher = keep, or grow).
     *
     * @param evidence gate gradients and weight norms of the group
     * @return one score per unit
     */
    NDArray score(UnitEvidence evidence);

    /**
     * The first-order Taylor score |∂L/∂g| of each unit's gate (averaged over the score window):
     * S2ViTE's prune score for heads and its grow score for heads and neurons.
     *
     * @return the criterion
     */
    static UnitCriterion taylor() {
        return UnitCriteria.TAYLOR;
    }

    /**
     * Σ |w| over each unit's weight slices, e.g. ‖W1[j,:]‖₁ + ‖W2[:,j]‖₁ for an MLP neuron:
     * S2ViTE's prune score for neurons.
     *
     * @return the criterion
     */
    static UnitCriterion weightL1() {
        return UnitCriteria.WEIGHT_L1;
    }

    /**
     * A uniform random score from the engine's generator (a baseline).
     *
     * @return the criterion
     */
    static UnitCriterion random() {
        return UnitCriteria.RANDOM;
    }
}
