package io.svite.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Waits for a model's arrays: wraps the initializer of every parameter that has none yet, hands
 * each fresh array to the engine and calls back once the last one exists — inside {@code
 * trainer.initialize(...)}, before the parameter store copies any array to a device and before the
 * first forward pass. The original initializers are restored as their arrays arrive.
 */
public final class ArrayWait {

    private final Map<String, Parameter> awaited = new LinkedHashMap<>();
    private final Map<String, BindingInitializer> wrappers = new HashMap<>();
    private final Map<String, NDArray> fresh = new HashMap<>();
    private final Runnable whenComplete;

    /**
     * Starts waiting for every parameter of the block that has an initializer but no array.
     *
     * @param block the model's block
     * @param whenComplete called once, when the last awaited array exists
     * @return the wait; {@link #complete()} is true at once if nothing is missing
     */
    public static ArrayWait start(Block block, Runnable whenComplete) {
        ArrayWait wait = new ArrayWait(whenComplete);
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            if (!param.isInitialized() && param.getInitializer() != null) {
                wait.awaited.put(param.getId(), param);
            }
        }
        for (Parameter param : wait.awaited.values()) {
            wait.wrappers.put(param.getId(), BindingInitializer.install(param, wait::initialized));
        }
        return wait;
    }

    private ArrayWait(Runnable whenComplete) {
        this.whenComplete = whenComplete;
    }

    /**
     * Whether every awaited array exists (or nothing was awaited).
     *
     * @return true when complete
     */
    public boolean complete() {
        return awaited.isEmpty();
    }

    private void initialized(Parameter parameter, NDArray array) {
        if (awaited.remove(parameter.getId()) == null) {
            return;
        }
        fresh.put(parameter.getId(), array);
        unwrap(parameter);
        if (awaited.isEmpty()) {
            whenComplete.run();
        }
    }

    /**
     * A parameter's array: the one its initializer just created, or its current one.
     *
     * @param parameter the parameter
     * @return the array
     */
    public NDArray arrayOf(Parameter parameter) {
        NDArray a = fresh.get(parameter.getId());
        return a != null ? a : parameter.getArray();
    }

    /** Stops waiting: restores every initializer still wrapped and forgets the fresh arrays. */
    public void stop() {
        awaited.values().forEach(this::unwrap);
        awaited.clear();
    }

    /** Forgets the fresh arrays once the engine is bound (the parameters hold them by then). */
    public void forgetFresh() {
        fresh.clear();
    }

    private void unwrap(Parameter parameter) {
        BindingInitializer wrapper = wrappers.remove(parameter.getId());
        if (wrapper != null) {
            wrapper.unwrap();
        }
    }
}
