package io.svite.core.optimizer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

/**
 * An optimizer whose per-entry state the sparsity engine can see and reset when masks change.
 *
 * <p>Lifecycle: the engine's optimizer decorator calls {@code update(id, weight, grad)} on every
 * step as usual (gradient and weight masked around it). After a prune-and-grow update rewrote the
 * mask of a parameter, the engine calls {@link #onMaskUpdate} once per device copy, before the next
 * step, with 0/1 arrays (same shape, device and data type as the weight) marking the entries that
 * were just pruned and just grown. Under {@link MomentumPolicy#RESET} the optimizer zeroes their
 * state; under {@link MomentumPolicy#KEEP} it leaves it alone. The call happens on the training
 * thread outside any gradient collector and must not copy to the host.
 */
public interface MaskAwareOptimizer {

    /**
     * The policy this optimizer applies in {@link #onMaskUpdate}.
     *
     * @return the momentum policy
     */
    MomentumPolicy momentumPolicy();

    /**
     * Tells the optimizer which entries of one parameter copy were just pruned and grown.
     *
     * @param parameterId the parameter's {@code Parameter.getId()}
     * @param device the device of the copy
     * @param pruned 1 where an entry just became inactive, else 0
     * @param grown 1 where an entry just became active, else 0
     */
    void onMaskUpdate(String parameterId, Device device, NDArray pruned, NDArray grown);
}
