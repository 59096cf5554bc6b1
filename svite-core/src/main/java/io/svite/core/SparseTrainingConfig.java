package io.svite.core;

import ai.djl.training.TrainingConfig;
import ai.djl.training.optimizer.Optimizer;

import io.svite.core.checkpoint.Checkpointable;
import io.svite.core.training.DecoratedTrainingConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A user's {@link TrainingConfig} with sparse training added: the same devices, initializers,
 * loss, evaluators and listeners, the optimizer wrapped by the masking decorator, and the engine's
 * listener appended. Made by {@link SparseTrainer#configure}; drives exactly one training run.
 *
 * <p>As a {@link Checkpointable} it writes and reads the run's mask checkpoint ({@code
 * sparse.masks}: masks, ever-active sets, step and update count) inside a run checkpoint, so a
 * training loop that checkpoints its phases carries SViTE's state without knowing about it.
 */
public final class SparseTrainingConfig extends DecoratedTrainingConfig implements Checkpointable {

    /** The name of the mask file inside a run checkpoint's {@code svite} folder. */
    static final String CHECKPOINT_MODEL_NAME = "sparse";

    private final MaskingOptimizer optimizer;
    private final SparseRun run;

    SparseTrainingConfig(TrainingConfig base, SparseState state, MaskingOptimizer optimizer) {
        super(base, optimizer, List.of(new EngineListener(state)));
        this.optimizer = optimizer;
        this.run = new SparseRun(state);
    }

    /**
     * The run this configuration drives: report, step, checkpoints.
     *
     * @return the run handle
     */
    public SparseRun run() {
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
     * The folder name of SViTE's state inside a run checkpoint.
     *
     * @return {@code svite}
     */
    @Override
    public String checkpointName() {
        return "svite";
    }

    /**
     * Saves the masks, ever-active sets, step and update count as {@code dir/sparse.masks}.
     *
     * @throws IllegalStateException before training has begun
     */
    @Override
    public void writeCheckpoint(Path dir) throws IOException {
        run.save(dir, CHECKPOINT_MODEL_NAME);
    }

    /**
     * Stages {@code dir/sparse.masks} to replace the initial masks when training begins (see {@link
     * SparseRun#resumeFrom}).
     */
    @Override
    public void readCheckpoint(Path dir) throws IOException {
        run.resumeFrom(dir, CHECKPOINT_MODEL_NAME);
    }
}
