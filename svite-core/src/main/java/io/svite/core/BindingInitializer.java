package io.svite.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/**
 * Stands in for a parameter's own initializer while the engine waits for the model's arrays:
 * it delegates, then hands the fresh array to the engine, which installs the masks once the last
 * parameter exists — inside {@code trainer.initialize(...)}, before the parameter store copies
 * any array to a device and before the first forward pass.
 */
final class BindingInitializer implements Initializer {

    private final Parameter parameter;
    private final Initializer original;
    private final SparseState state;

    BindingInitializer(Parameter parameter, Initializer original, SparseState state) {
        this.parameter = parameter;
        this.original = original;
        this.state = state;
    }

    Initializer original() {
        return original;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        NDArray array = original.initialize(manager, shape, dataType);
        state.initialized(parameter, array);
        return array;
    }
}
