package io.svite.examples.methods;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import ai.djl.training.TrainingConfig;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.util.PairList;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

/** A training configuration that is another one with its loss replaced (by a penalised loss). */
final class PenalisedConfig implements TrainingConfig {

    private final TrainingConfig base;
    private final Loss loss;

    PenalisedConfig(TrainingConfig base, Loss loss) {
        this.base = base;
        this.loss = loss;
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
    public ai.djl.training.optimizer.Optimizer getOptimizer() {
        return base.getOptimizer();
    }

    @Override
    public Loss getLossFunction() {
        return loss;
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
        return base.getTrainingListeners();
    }
}
