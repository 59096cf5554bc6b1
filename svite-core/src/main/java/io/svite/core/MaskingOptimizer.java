package io.svite.core;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;

/**
 * Wraps the user's optimizer so masked weights stay exactly 0: for a sparse parameter copy it
 * multiplies the gradient by the mask, delegates, then multiplies the weight by the mask. Other
 * parameters go straight to the delegate. Without the second multiplication, stale moments of
 * Adam, AdamW or SGD-momentum would move pruned weights off zero within a few steps.
 */
final class MaskingOptimizer extends Optimizer {

    private final Optimizer delegate;
    private final SparseState state;

    MaskingOptimizer(Optimizer delegate, SparseState state) {
        super(new NoSettings());
        this.delegate = delegate;
        this.state = state;
    }

    Optimizer delegate() {
        return delegate;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        state.update(parameterId, weight, grad);
    }

    /** The decorator has no settings of its own: rescaling, clipping and decay are the delegate's. */
    private static final class NoSettings extends OptimizerBuilder<NoSettings> {
        @Override
        protected NoSettings self() {
            return this;
        }
    }
}
