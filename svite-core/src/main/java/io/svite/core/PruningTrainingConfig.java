package io.svite.core;

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
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

/**
 * A user's {@link TrainingConfig} with pruning added: the same devices, initializers, loss,
 * evaluators and listeners, the optimizer wrapped by the masking decorator, and the pruning
 * listener appended. Made by {@link PruningTrainer#configure}; drives exactly one training run.
 */
public final class PruningTrainingConfig implements TrainingConfig {

    private final TrainingConfig base;
    private final MaskingOptimizer optimizer;
    private final List<TrainingListener> listeners;
    private final PruningRun run;

    PruningTrainingConfig(TrainingConfig base, PruningState state, MaskingOptimizer optimizer) {
        this.base = base;
        this.optimizer = optimizer;
        List<TrainingListener> all = new ArrayList<>(base.getTrainingListeners());
        all.add(new PruningListener(state));
        this.listeners = Collections.unmodifiableList(all);
        this.run = new PruningRun(state);
    }

    /**
     * The run this configuration drives: report, events, masks.
     *
     * @return the run handle
     */
    public PruningRun run() {
        return run;
    }

    /**
     * The user's optimizer, inside the masking decorator.
     *
     * @return the undecorated optimizer
     */
    public Optimizer baseOptimizer() {
        return optimizer.delegate();
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
