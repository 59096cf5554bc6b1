package io.svite.core.training;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import ai.djl.training.TrainingConfig;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

/**
 * A user's {@link TrainingConfig} with another optimizer and listeners appended; everything else
 * (devices, initializers, loss, executor, evaluators) is the user's.
 *
 * <p>The engines' configurations (SViTE, S2ViTE, pruning) and the methods' loss decorators extend
 * it, so that decorating a configuration never changes more than it says.
 */
public abstract class DecoratedTrainingConfig implements TrainingConfig {

    private final TrainingConfig base;
    private final Optimizer optimizer;
    private final List<TrainingListener> listeners;

    /**
     * Decorates a configuration.
     *
     * @param base the configuration to decorate
     * @param optimizer the optimizer to train with (usually a decorator around the base's)
     * @param added listeners run after the base's, in this order
     */
    protected DecoratedTrainingConfig(TrainingConfig base, Optimizer optimizer, List<TrainingListener> added) {
        this.base = Objects.requireNonNull(base, "base");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        List<TrainingListener> all = new ArrayList<>(base.getTrainingListeners());
        all.addAll(added);
        this.listeners = Collections.unmodifiableList(all);
    }

    /**
     * The decorated configuration.
     *
     * @return the user's configuration
     */
    protected final TrainingConfig base() {
        return base;
    }

    @Override
    public Device[] getDevices() {
        return base.getDevices();
    }

    @Override
    public PairList<Initializer, Predicate<Parameter>> getInitializers() {
        return base.getInitializers();
    }

    @Override
    public Optimizer getOptimizer() {
        return optimizer;
    }

    @Override
    public Loss getLossFunction() {
        return base.getLossFunction();
    }

    @Override
    public ExecutorService getExecutorService() {
        return base.getExecutorService();
    }

    @Override
    public List<Evaluator> getEvaluators() {
        return base.getEvaluators();
    }

    @Override
    public List<TrainingListener> getTrainingListeners() {
        return listeners;
    }
}
