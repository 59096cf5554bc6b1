package io.svite.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/**
 * Stands in for a parameter's own initializer while an engine waits for the model's arrays:
 * it delegates, then hands the fresh array to the engine, which installs its masks or gates once
 * the last parameter it needs exists — inside {@code trainer.initialize(...)}, before the parameter
 * store copies any array to a device and before the first forward pass.
 *
 * <p>Several engines may wrap the same parameter (unstructured and structured sparsity together);
 * {@link #unwrap()} removes exactly this wrapper from the chain, wherever it sits.
 */
public final class BindingInitializer implements Initializer {

    /** Receives a parameter's fresh array. */
    @FunctionalInterface
    public interface Binder {
        void initialized(Parameter parameter, NDArray array);
    }

    private final Parameter parameter;
    private Initializer original;
    private final Binder binder;

    BindingInitializer(Parameter parameter, Initializer original, Binder binder) {
        this.parameter = parameter;
        this.original = original;
        this.binder = binder;
    }

    /** Wraps the parameter's current initializer and installs the wrapper. */
    public static BindingInitializer install(Parameter parameter, Binder binder) {
        BindingInitializer wrapper = new BindingInitializer(parameter, parameter.getInitializer(), binder);
        parameter.setInitializer(wrapper);
        return wrapper;
    }

    Initializer original() {
        return original;
    }

    /** Takes this wrapper out of its parameter's initializer chain. */
    public void unwrap() {
        Initializer current = parameter.getInitializer();
        if (current == this) {
            parameter.setInitializer(original);
            return;
        }
        while (current instanceof BindingInitializer) {
            BindingInitializer outer = (BindingInitializer) current;
            if (outer.original == this) {
                outer.original = original;
                return;
            }
            current = outer.original;
        }
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        NDArray array = original.initialize(manager, shape, dataType);
        binder.initialized(parameter, array);
        return array;
    }
}
