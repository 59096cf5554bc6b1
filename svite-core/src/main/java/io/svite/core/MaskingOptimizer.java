package io.svite.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;

import io.svite.core.optimizer.MaskAwareOptimizer;
import io.svite.core.optimizer.MomentumPolicy;

/**
 * Wraps the user's optimizer so masked weights stay exactly 0: for a sparse parameter copy it
 * multiplies the gradient by the mask, delegates, then multiplies the weight by the mask. Other
 * parameters go straight to the delegate. Without the second multiplication, stale moments of
 * Adam, AdamW or SGD-momentum would move pruned weights off zero within a few steps. Mask changes
 * reported by an engine around this one (the structured engine) are passed on to a mask-aware
 * delegate.
 *
 * <p>The masking itself is the engine's ({@link SparseState} for SViTE, {@link PruningState} for
 * the pruning baselines): this class only routes DJL's {@code update} calls to it, so either
 * engine refuses to wrap an optimizer the other has already wrapped.
 */
final class MaskingOptimizer extends Optimizer implements MaskAwareOptimizer {

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
