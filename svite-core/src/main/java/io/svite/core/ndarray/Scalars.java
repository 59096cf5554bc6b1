package io.svite.core.ndarray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Makes scalar tensors that are safe to use inside an autograd graph.
 *
 * <p>On DJL 0.25's PyTorch engine, {@code x.mul(2f)} (and every other {@code op(Number)}) wraps
 * the number in a tensor that points into a Java direct buffer and closes that tensor as soon as
 * the op returns. When the op saves its operand for the backward pass (as {@code mul} and {@code
 * div} do), the saved tensor outlives the buffer: after a garbage collection the backward pass
 * reads freed memory and gradients become random (we saw 7.6e15 and NaN within a few steps). A
 * scalar made here is allocated by the engine itself and attached to the manager of the array it
 * is combined with, so it lives exactly as long as the batch.
 *
 * <p>Rule: inside a model's forward pass, or anything differentiated, write {@code
 * x.mul(Scalars.like(x, s))}, never {@code x.mul(s)}.
 */
public final class Scalars {

    private Scalars() {}

    /**
     * A 0-d tensor holding {@code value}, with {@code like}'s data type, device and manager.
     *
     * @param like the array the scalar will be combined with
     * @param value the value
     * @return an engine-owned scalar tensor
     */
    public static NDArray like(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }
}
