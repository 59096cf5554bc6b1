package io.svite.core.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * What a {@link UnitCriterion} may look at when one group's units are scored at an update: the
 * gate gradients and the unit slices' weights, each reduced to one value per unit.
 *
 * <p>Every array is computed on the device on first use, has shape (units) and lives in {@link
 * #scope()}, which the engine closes after the update.
 */
public interface UnitEvidence {

    /**
     * The group being scored.
     *
     * @return the group
     */
    UnitGroup group();

    /**
     * The Taylor score |∂L/∂g_u| of every unit: the absolute gate gradient (summed over devices),
     * averaged over the batches of the score window (the last one or more batches up to this
     * update). For an active unit it is |⟨A_u, ∂L/∂A_u⟩|, the estimated loss change of removing
     * it; for an inactive one the estimated change of switching it on.
     *
     * @return the scores, shape (units)
     */
    NDArray taylor();

    /**
     * Σ |w| over the unit's entries in every input and output slice whose parameter is a {@code
     * WEIGHT} (biases excluded): for an MLP neuron ‖W1[j,:]‖₁ + ‖W2[:,j]‖₁.
     *
     * @return the norms, shape (units)
     */
    NDArray weightL1();

    /**
     * Where score arrays belong; closed by the engine after the update.
     *
     * @return the scope
     */
    NDManager scope();
}
