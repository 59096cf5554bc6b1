package io.svite.core.optimizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.List;

/**
 * SGD, plain or with momentum, on the engine's fused SGD kernel.
 *
 * <p>Per entry, with gradient g, learning rate η, momentum μ and L2 weight decay λ (0 for
 * parameters that do not decay), the kernel computes
 *
 * <pre>
 *   d ← g + λ·w
 *   b ← μ·b + η·d        (μ = 0: no state, w ← w − η·d)
 *   w ← w − b
 * </pre>
 *
 * <p>The buffer b holds the learning rate (DJL's and MXNet's convention; PyTorch keeps b without η
 * and multiplies by η afterwards — the same for a constant η). On one device, with every parameter
 * decaying, the weights are bit-identical to DJL's {@code Optimizer.sgd()}.
 */
final class SgdOptimizer extends StatefulOptimizer {

    private static final List<String> MOMENTUM = List.of("momentum");

    private final float momentum;

    SgdOptimizer(OptimizerSettings settings, float momentum) {
        super(settings);
        this.momentum = momentum;
    }

    @Override
    void apply(NDArray weight, NDArray grad, NDArray[] slots, float lr, long t, float weightDecay) {
        NDList inputs =
                momentum == 0f ? new NDList(weight, grad) : new NDList(weight, grad, slots[0]);
        weight.getNDArrayInternal()
                .sgdUpdate(inputs, new NDList(weight), lr, weightDecay, 1f, -1f, momentum, true);
    }

    @Override
    String name() {
        return momentum == 0f ? "SGD" : "SGD with momentum";
    }

    @Override
    public List<String> slotNames() {
        return momentum == 0f ? List.of() : MOMENTUM;
    }

    @Override
    public String toString() {
        return "SGD(μ=" + momentum + ", λ=" + getWeightDecay() + ", " + momentumPolicy() + ")";
    }
}
