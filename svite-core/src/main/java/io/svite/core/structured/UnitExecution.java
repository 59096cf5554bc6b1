package io.svite.core.structured;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

/**
 * A model's way of computing only the active units of a group, so that a training step costs
 * what its active part costs rather than the full width with closed units multiplied by 0.
 *
 * <p>The engine tells the model, from the next forward pass on and per device, which units to
 * compute. The contract is exactness: a pass computed this way gives the loss, the weight
 * gradients (full-size, exactly 0 for the inactive units' slices) and the active units' gate
 * gradients of the gated full-width pass, up to the order of floating-point sums. When {@code
 * scoreInactive} is set, the pass must also give the inactive units' gate gradients (their Taylor
 * scores, ∂L/∂g_u at g_u = 0): the model computes the inactive units too, but may do so without
 * recording them for their weights' gradients, which are 0 in the gated pass.
 *
 * <p>The index arrays belong to the engine, which closes their manager when it replaces them (at
 * the next update or edge of a score window); a model may attach what it derives from them — the
 * gathered row indices of a fused weight, say — to that manager, so nothing it computes once per
 * plan outlives the plan.
 *
 * <p>A model that cannot narrow its computation simply does not supply one ({@link
 * StructuredUnits#execution}); its closed units then stay gated at full width.
 */
public interface UnitExecution {

    /**
     * Computes only some units of a group on one device until told otherwise.
     *
     * @param group the group, as the model declared it
     * @param device the device whose forward passes this applies to
     * @param active indices of the active units, increasing, int64 on {@code device}, at least one
     * @param inactive indices of the other units, increasing, int64 on {@code device}, at least one
     * @param scoreInactive whether the coming passes must give the inactive units' gate gradients
     * @throws IllegalArgumentException if the group is not one this model declared
     */
    void computeOnly(UnitGroup group, Device device, NDArray active, NDArray inactive, boolean scoreInactive);

    /**
     * Computes every unit of a group again, at full width and gated, on every device.
     *
     * @param group the group, as the model declared it
     */
    void computeAll(UnitGroup group);
}
