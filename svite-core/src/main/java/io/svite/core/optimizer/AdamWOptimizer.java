package io.svite.core.optimizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.List;

/**
 * AdamW with decoupled weight decay, on the engine's fused Adam kernel.
 *
 * <p>Per entry, with gradient g, learning rate η, decay λ (0 for parameters that do not decay),
 * step count t of the parameter:
 *
 * <pre>
 *   w ← w · (1 − η·λ)
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   w ← w − η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)
 * </pre>
 *
 * <p>The arguments to the kernel are computed exactly as DJL's {@code Optimizer.adamW()} computes
 * them, so on one device, with every parameter decaying, the weights are bit-identical to DJL's.
 */
final class AdamWOptimizer extends StatefulOptimizer {

    private static final List<String> SLOTS = List.of("m", "v");

    private final float beta1;
    private final float beta2;
    private final float epsilon;

    AdamWOptimizer(OptimizerSettings settings, float beta1, float beta2, float epsilon) {
        super(settings);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    void apply(NDArray weight, NDArray grad, NDArray[] slots, float lr, long t, float weightDecay) {
        double coef1 = 1.0 - Math.pow(beta1, t);
        double coef2 = 1.0 - Math.pow(beta2, t);
        float lrBiasCorrected = (float) (lr * Math.sqrt(coef2) / coef1);
        weight.getNDArrayInternal()
                .adamUpdate(
                        new NDList(weight, grad, slots[0], slots[1]),
                        new NDList(weight),
                        lr,
                        lrBiasCorrected,
                        weightDecay,
                        1f,
                        -1f,
                        beta1,
                        beta2,
                        epsilon,
                        true,
                        true);
    }

    @Override
    String name() {
        return "AdamW";
    }

    @Override
    public List<String> slotNames() {
        return SLOTS;
    }

    @Override
    public String toString() {
        return "AdamW(β₁="
                + beta1
                + ", β₂="
                + beta2
                + ", ε="
                + epsilon
                + ", λ="
                + getWeightDecay()
                + ", "
                + momentumPolicy()
                + ")";
    }
}
