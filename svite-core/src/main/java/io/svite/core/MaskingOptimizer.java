package io.svite.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;

import io.svite.core.training.MaskAwareOptimizer;
import io.svite.core.training.MomentumPolicy;

/**
 * Wraps the user's optimizer so masked weights stay exactly 0: for a sparse parameter copy it
 * multiplies the gradient by the mask, delegates, then multiplies the weight by the mask. Other
 * parameters go straight to the delegate. Without the second multiplication, stale moments of
 * Adam, AdamW or SGD-momentum would move pruned weights off zero within a few steps. Mask changes
 * reported by an engine around this one (the structured engine) are passed on to a mask-aware
 * delegate.
 */
final class MaskingOptimizer extends Optimizer implements MaskAwareOptimizer {

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

    @Override
    public MomentumPolicy momentumPolicy() {
        return delegate instanceof MaskAwareOptimizer
                ? ((MaskAwareOptimizer) delegate).momentumPolicy()
                : MomentumPolicy.KEEP;
    }

    @Override
    public void onMaskUpdate(String parameterId, Device device, NDArray pruned, NDArray grown) {
        if (delegate instanceof MaskAwareOptimizer) {
            ((MaskAwareOptimizer) delegate).onMaskUpdate(parameterId, device, pruned, grown);
        }
    }

    /** The decorator has no settings of its own: rescaling, clipping and decay are the delegate's. */
    private static final class NoSettings extends OptimizerBuilder<NoSettings> {
        @Override
        protected NoSettings self() {
            return this;
        }
    }
}
