package io.svite.core.engine;

import io.svite.core.optimizer.MaskAwareOptimizer;
import io.svite.core.optimizer.MomentumPolicy;
import io.svite.core.optimizer.OptimizerDecorator;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;

/**
 * Wraps the user's optimizer for a {@link SparseEngine}: a masked parameter copy gets its gradient
 * multiplied by the mask, the delegate's update, then its weight multiplied by the mask (without
 * the second multiplication, stale moments of Adam, AdamW or SGD-momentum would move pruned
 * weights off zero within a few steps); a gate is never passed on and its gradient is zeroed;
 * everything else goes to the delegate unchanged. Mask changes are passed on to a mask-aware
 * delegate.
 */
public final class MaskedOptimizer extends Optimizer implements MaskAwareOptimizer, OptimizerDecorator {

    private final Optimizer delegate;
    private final SparseEngine engine;

    MaskedOptimizer(Optimizer delegate, SparseEngine engine) {
        super(new NoSettings());
        this.delegate = delegate;
        this.engine = engine;
    }

    @Override
    public Optimizer delegate() {
        return delegate;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        engine.update(parameterId, weight, grad);
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
