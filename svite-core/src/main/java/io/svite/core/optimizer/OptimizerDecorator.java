package io.svite.core.optimizer;

import ai.djl.training.optimizer.Optimizer;

/**
 * An optimizer that wraps another one (the sparsity engine's masking decorator): checkpoints look
 * through it for the optimizer whose state they save.
 */
public interface OptimizerDecorator {

    /**
     * The wrapped optimizer.
     *
     * @return the delegate
     */
    Optimizer delegate();
}
