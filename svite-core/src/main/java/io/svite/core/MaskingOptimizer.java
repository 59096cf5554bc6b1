package io.svite.core;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;

/**
 * Wraps the user's optimizer so masked weights stay exactly 0: for a sparse parameter copy it
 * multiplies the gradient by the mask, delegates, then multiplies the weight by the mask. Other
 * parameters go straight to the delegate. Without the second multiplication, stale moments of
 * Adam, AdamW or SGD-momentum would move pruned weights off zero within a few steps.
 *
 * <p>The masking itself is the engine's ({@link SparseState} for SViTE, {@link PruningState} for
 * the pruning baselines): this class only routes DJL's {@code update} calls to it, so either
 * engine refuses to wrap an optimizer the other has already wrapped.
 */
final class MaskingOptimizer extends Optimizer {

    /** What an engine does with one optimizer update of one parameter copy. */
    @FunctionalInterface
    interface MaskedUpdate {
        void update(String parameterId, NDArray weight, NDArray grad);
    }

    private final Optimizer delegate;
    private final MaskedUpdate state;

    MaskingOptimizer(Optimizer delegate, MaskedUpdate state) {
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
