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
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

/**
 * A {@link TrainingConfig} with structured sparse training added: the same devices, initializers,
 * loss, evaluators and listeners, the optimizer wrapped by the gate decorator, and the engine's
 * listener appended (after any unstructured engine's). Made by {@link StructuredTrainer#configure};
 * drives exactly one training run.
 */
public final class StructuredTrainingConfig implements TrainingConfig {

    private final TrainingConfig base;
    private final GateOptimizer optimizer;
    private final List<TrainingListener> listeners;
    private final StructuredRun run;

    StructuredTrainingConfig(TrainingConfig base, StructuredState state, GateOptimizer optimizer) {
        this.base = base;
        this.optimizer = optimizer;
        List<TrainingListener> all = new ArrayList<>(base.getTrainingListeners());
        all.add(new StructuredListener(state));
        this.listeners = Collections.unmodifiableList(all);
        this.run = new StructuredRun(state);
    }

    /**
     * The structured run this configuration drives: report, step, active units.
     *
     * @return the run handle
     */
    public StructuredRun run() {
        return run;
    }

    /**
     * The unstructured run inside this one, when the recipe (or the configuration it decorated)
     * has SViTE masks.
     *
     * @return the SViTE run, or empty
     */
    public Optional<SparseRun> sparseRun() {
        return base instanceof SparseTrainingConfig
                ? Optional.of(((SparseTrainingConfig) base).run())
                : Optional.empty();
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
