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

import io.svite.core.training.Checkpointable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

/**
 * A user's {@link TrainingConfig} with pruning added: the same devices, initializers, loss,
 * evaluators and listeners, the optimizer wrapped by the masking decorator, and the pruning
 * listener appended. Made by {@link PruningTrainer#configure}; drives exactly one training run.
 *
 * <p>As a {@link Checkpointable} ({@code pruning}) it writes the engine's state inside a run
 * checkpoint ({@code pruning.state}: step, the schedule's position, masks, start masks and the
 * scores summed since the last event), so GMP, Taylor pruning and OMP's fine-tuning resume
 * exactly; a resumed run does not repeat a step-0 event or re-apply the masks it started from.
 */
public final class PruningTrainingConfig implements TrainingConfig, Checkpointable {

    /** The name of the pruning state file inside a run checkpoint's {@code pruning} folder. */
    static final String STATE_FILE = "pruning.state";

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

    /**
     * The folder name of the pruning engine's state inside a run checkpoint.
     *
     * @return {@code pruning}
     */
    @Override
    public String checkpointName() {
        return "pruning";
    }

    /**
     * Saves the pruning state as {@code dir/pruning.state}.
     *
     * @throws IllegalStateException before training has begun
     */
    @Override
    public void writeCheckpoint(Path dir) throws IOException {
        run.state.saveState(dir.resolve(STATE_FILE));
    }

    /**
     * Stages {@code dir/pruning.state} to replace the starting masks (and any step-0 event) when
     * training begins.
     *
     * @throws IllegalArgumentException if the file is missing, damaged or written for another model
     *     or schedule
     */
    @Override
    public void readCheckpoint(Path dir) throws IOException {
        run.state.resumeFrom(StateFile.read(dir.resolve(STATE_FILE), PruningState.STATE_KIND));
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
