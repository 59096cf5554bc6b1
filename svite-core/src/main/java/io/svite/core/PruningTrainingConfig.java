package io.svite.core;

import io.svite.core.checkpoint.StateFile;

import ai.djl.training.TrainingConfig;
import ai.djl.training.optimizer.Optimizer;

import io.svite.core.checkpoint.Checkpointable;
import io.svite.core.training.DecoratedTrainingConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
public final class PruningTrainingConfig extends DecoratedTrainingConfig implements Checkpointable {

    /** The name of the pruning state file inside a run checkpoint's {@code pruning} folder. */
    static final String STATE_FILE = "pruning.state";

    private final MaskingOptimizer optimizer;
    private final PruningRun run;

    PruningTrainingConfig(TrainingConfig base, PruningState state, MaskingOptimizer optimizer) {
        super(base, optimizer, List.of(new EngineListener(state)));
        this.optimizer = optimizer;
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
}
