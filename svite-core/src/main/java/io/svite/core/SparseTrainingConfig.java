package io.svite.core;

import io.svite.core.checkpoint.Checkpointable;
import io.svite.core.engine.EngineCheckpoint;
import io.svite.core.engine.SparseEngine;
import io.svite.core.report.Timeline;
import io.svite.core.training.DecoratedTrainingConfig;

import ai.djl.training.TrainingConfig;
import ai.djl.training.optimizer.Optimizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A user's {@link TrainingConfig} with sparse training added: the same devices, initializers,
 * loss, evaluators and listeners, the optimizer wrapped by the engine's decorator, and the engine's
 * listener appended. Made by {@link SparseTrainer#configure}; drives exactly one training run.
 *
 * <p>As a {@link Checkpointable} ({@code sparsity}) it writes the engine's state inside a run
 * checkpoint ({@code engine.state}: step, update count, masks and ever-active sets, unit groups'
 * score windows and sets, a pruning schedule's position and summed scores) and the run's timeline
 * ({@code timeline.json}, {@link io.svite.core.report.Timeline}), so a training loop that
 * checkpoints carries the sparse state without knowing about it and a resumed run's timeline is
 * whole. The weights carry the gates.
 */
public final class SparseTrainingConfig extends DecoratedTrainingConfig implements Checkpointable {

    /** The engine's state file inside a checkpoint folder. */
    static final String STATE_FILE = "engine.state";

    /** The timeline's file inside a checkpoint folder. */
    static final String TIMELINE_FILE = "timeline.json";

    private final SparseEngine engine;
    private final SparseRun run;

    SparseTrainingConfig(TrainingConfig base, SparseEngine engine, long seed) {
        super(base, engine.optimizer(), List.of(engine.listener()));
        this.engine = engine;
        this.run = new SparseRun(engine, seed);
    }

    /**
     * The run this configuration drives: reports, steps, masks.
     *
     * @return the run handle
     */
    public SparseRun run() {
        return run;
    }

    /**
     * The user's optimizer, inside the engine's decorator.
     *
     * @return the undecorated optimizer
     */
    public Optimizer baseOptimizer() {
        return engine.delegate();
    }

    /**
     * The folder name of the sparse state inside a run checkpoint.
     *
     * @return {@code sparsity}
     */
    @Override
    public String checkpointName() {
        return "sparsity";
    }

    /**
     * Saves the engine's state as {@code dir/engine.state} and its timeline as {@code
     * dir/timeline.json}.
     *
     * @throws IllegalStateException before training has begun or after the model was closed
     */
    @Override
    public void writeCheckpoint(Path dir) throws IOException {
        EngineCheckpoint.write(engine, dir.resolve(STATE_FILE));
        Files.writeString(dir.resolve(TIMELINE_FILE), engine.timeline().jsonText(), StandardCharsets.UTF_8);
    }

    /**
     * Stages {@code dir/engine.state} to replace the starting masks and units (and any step-0
     * pruning) when training begins; the gates come with the weights.
     *
     * @throws IllegalArgumentException if the file is missing, damaged, or written by a recipe of
     *     other parts
     * @throws IllegalStateException if training has already begun
     */
    @Override
    public void readCheckpoint(Path dir) throws IOException {
        EngineCheckpoint.Staged staged = EngineCheckpoint.read(dir.resolve(STATE_FILE), engine.policies());
        Path timeline = dir.resolve(TIMELINE_FILE);
        // a checkpoint written before timelines were recorded has none: the resumed one starts here
        Timeline saved = Files.isRegularFile(timeline)
                ? Timeline.fromJson(Files.readString(timeline, StandardCharsets.UTF_8), timeline.toString())
                : null;
        engine.resumeFrom(staged);
        engine.resumeTimeline(saved);
    }
}
