package io.svite.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * Cross-entropy against smoothed targets, as DeiT trains: one-hot targets from class indices, or
 * soft targets (Mixup, CutMix), with label smoothing on top.
 *
 * <p>Shapes: logits (B, C); labels (B) holding class indices, or (B, C) soft targets whose rows sum
 * to 1. With smoothing ε the target of class c is (1 − ε)·y_c + ε / C, where y is the one-hot or
 * soft target, and
 *
 * <pre>
 *   L = − (1/B) Σ_b Σ_c target_bc · log softmax(logits_b)_c
 * </pre>
 *
 * <p>ε = 0 is the plain softmax cross-entropy.
 */
public final class LabelSmoothingLoss extends Loss {

    private final float smoothing;

    /**
     * Creates the loss.
     *
     * @param smoothing ε in [0, 1)
     * @throws IllegalArgumentException for ε outside [0, 1)
     */
    public LabelSmoothingLoss(float smoothing) {
        super("LabelSmoothingLoss");
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + smoothing);
        }
        this.smoothing = smoothing;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        long classes = logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray logp = logits.logSoftmax(-1);
        // The engine's oneHot(depth, on, off, type) is not implemented on PyTorch: scale instead.
        NDArray y = labels.singletonOrThrow();
        NDArray hard = y.getShape().dimension() == logits.getShape().dimension()
                ? y.toType(logp.getDataType(), false)
                : y.toType(DataType.INT64, false).oneHot((int) classes, logp.getDataType());
        NDArray target = hard.mul(1f - smoothing).add(smoothing / classes);
        return target.mul(logp).sum(new int[] {-1}).neg().mean();
    }

    /**
     * The smoothing ε.
     *
     * @return ε
     */
    public float smoothing() {
        return smoothing;
    }
}
