package io.svite.core.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import java.util.List;

/**
 * What the engine offers a {@link MaskPolicy}: the model, the training devices, the training copy
 * of every parameter on each device, managers for the policy's persistent arrays, and the two
 * ways of acting on training — masked tensors, which the engine's optimizer masks, and gates,
 * which it never lets an optimizer change.
 *
 * <p>Everything runs on the training thread. Arrays a policy keeps across steps belong to {@link
 * #managerFor}; temporaries belong to a scope the policy opens under it and closes before the step.
 */
public interface PolicyContext {

    /**
     * The model's block.
     *
     * @return the block
     */
    Block block();

    /**
     * The training devices, in the trainer's order; the first is where updates are computed.
     *
     * @return the devices
     */
    List<Device> devices();

    /**
     * The manager of the engine's persistent arrays on a device (closed with the model).
     *
     * @param device the device
     * @return the manager
     */
    NDManager managerFor(Device device);

    /**
     * A parameter's array while binding: the one its initializer just created, or its current one.
     *
     * @param parameter the parameter
     * @return the array
     */
    NDArray arrayOf(Parameter parameter);

    /**
     * The training copy of a parameter on a device (the one the optimizer updates), or the
     * parameter's own array when it lives there; null while that copy has not been seen.
     *
     * @param parameter a parameter the policy watches
     * @param device the device
     * @return the copy, or null
     */
    NDArray copyOn(Parameter parameter, Device device);

    /**
     * Asks the engine to remember the training copies of a parameter (masked tensors and gates are
     * watched already).
     *
     * @param parameter the parameter
     */
    void watch(Parameter parameter);

    /**
     * Puts a tensor under the engine's masking optimizer: from its first mask on, every update of
     * its copies masks the gradient, delegates and masks the weight.
     *
     * @param tensor the tensor
     * @throws IllegalArgumentException if another policy already masks the parameter
     */
    void register(MaskedTensor tensor);

    /**
     * Makes a parameter a gate: no optimizer ever updates it and its gradient is zeroed after
     * every step (it accumulates across backward passes otherwise).
     *
     * @param gate the gate
     */
    void claimGate(Parameter gate);

    /**
     * The dense gradient of a parameter, summed over every device copy onto the first device and
     * attached to the scope.
     *
     * @param parameter a watched parameter
     * @param scope the owner of the result
     * @return the gradient, or null if a copy has not been seen yet or has no gradient
     */
    NDArray gradientSum(Parameter parameter, NDManager scope);

    /**
     * Tells a mask-aware optimizer which entries of one parameter copy were pruned and grown, so it
     * can reset their state; does nothing for other optimizers.
     *
     * @param parameter the parameter
     * @param device the copy's device
     * @param pruned 1 where an active entry became inactive (the parameter's shape)
     * @param grown 1 where an inactive entry became active (the parameter's shape)
     */
    void maskChanged(Parameter parameter, Device device, NDArray pruned, NDArray grown);

    /**
     * Whether the run resumes from a checkpoint (the policies' states come to {@link
     * MaskPolicy#bind}).
     *
     * @return true while resuming
     */
    boolean resuming();

    /**
     * Optimizer steps taken so far, those before a resumed checkpoint included: the next training
     * step is {@code stepsDone() + 1}. Already the checkpoint's count in {@link MaskPolicy#bind}.
     *
     * @return the step count
     */
    long stepsDone();

    /**
     * Whether the optimizer wants to hear of mask changes ({@link #maskChanged} does nothing
     * otherwise), so a policy can skip building the arrays it would pass.
     *
     * @return true for a mask-aware optimizer
     */
    boolean maskAware();
}
