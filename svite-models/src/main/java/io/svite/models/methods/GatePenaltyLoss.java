package io.svite.models.methods;

import io.svite.core.ndarray.Scalars;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.loss.Loss;

import java.util.List;

/**
 * A loss plus an ℓ1 penalty on soft masks: L(y, ŷ) + λ · Σ_m Σ_i |m_i| over the given mask
 * parameters (ViT-Slim's and VTP's sparsity term).
 *
 * <p>The masks are read as their parameters' arrays, which on a single device are the arrays the
 * forward pass multiplies by, so the penalty's gradient λ·sign(m) reaches the same leaves as the
 * task loss's. Every temporary is attached to the batch's manager (the loss's), so nothing
 * accumulates in the model's manager.
 */
final class GatePenaltyLoss extends Loss {

    private final Loss base;
    private final List<Parameter> masks;
    private final float lambda;

    /**
     * Creates the penalised loss.
     *
     * @param base the task loss
     * @param masks the soft mask parameters (trainable)
     * @param lambda λ ≥ 0
     */
    GatePenaltyLoss(Loss base, List<Parameter> masks, float lambda) {
        super(base.getName());
        this.base = base;
        this.masks = List.copyOf(masks);
        this.lambda = lambda;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray loss = base.evaluate(labels, predictions);
        if (lambda == 0f || masks.isEmpty()) {
            return loss;
        }
        return loss.add(penalty(loss.getManager()).mul(Scalars.like(loss, lambda)));
    }

    /** Σ_m Σ_i |m_i| as a scalar in {@code batch}. */
    NDArray penalty(NDManager batch) {
        NDArray total = null;
        for (Parameter p : masks) {
            NDArray abs = p.getArray().abs();
            abs.attach(batch);
            NDArray sum = abs.sum();
            total = total == null ? sum : total.add(sum);
        }
        return total;
    }
}
