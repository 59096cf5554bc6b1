package io.svite.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;

import io.svite.core.optimizer.MaskAwareOptimizer;
import io.svite.core.optimizer.MomentumPolicy;

/**
 * Wraps the user's optimizer so that gates never move: a gate's update is not passed on and its
 * gradient is zeroed (PyTorch adds the gradients of successive backward passes, and the engine's
 * kernels zero a gradient only for parameters they update). Every other parameter goes to the
 * delegate unchanged. Mask changes reported by the structured engine are passed on to a
 * mask-aware delegate.
 */
final class GateOptimizer extends Optimizer implements MaskAwareOptimizer {

    private final Optimizer delegate;
    private final StructuredState state;

    GateOptimizer(Optimizer delegate, StructuredState state) {
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

    /** The decorator has no settings of its own. */
    private static final class NoSettings extends OptimizerBuilder<NoSettings> {
        @Override
        protected NoSettings self() {
            return this;
        }
    }
}
