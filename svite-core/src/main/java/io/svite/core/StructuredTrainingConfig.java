package io.svite.core;

import io.svite.core.checkpoint.StateFile;

import ai.djl.training.TrainingConfig;
import ai.djl.training.optimizer.Optimizer;

import io.svite.core.checkpoint.Checkpointable;
import io.svite.core.training.DecoratedTrainingConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A {@link TrainingConfig} with structured sparse training added: the same devices, initializers,
 * loss, evaluators and listeners, the optimizer wrapped by the gate decorator, and the engine's
 * listener appended (after any unstructured engine's). Made by {@link StructuredTrainer#configure};
 * drives exactly one training run.
 *
 * <p>As a {@link Checkpointable} ({@code s2vite}) it writes the engine's state inside a run
 * checkpoint: {@code structured.state} (step, update count, and per group the Taylor score
 * window's sum and batch count, the initial and ever-active sets, the grown count; the active sets
 * are the gates, which the weights carry) and, when it decorates a configuration that is itself
 * {@link Checkpointable} (SViTE's, with {@code --sparsity}), that configuration's state in a
 * sub-folder of its name ({@code svite/sparse.masks}). The prune and grow criteria draw random
 * numbers only from the engine's generator, so they need no state of their own.
 */
public final class StructuredTrainingConfig extends DecoratedTrainingConfig implements Checkpointable {

    /** The name of the structured state file inside a run checkpoint's {@code s2vite} folder. */
    static final String STATE_FILE = "structured.state";

    private final GateOptimizer optimizer;
    private final StructuredRun run;

    StructuredTrainingConfig(TrainingConfig base, StructuredState state, GateOptimizer optimizer) {
        super(base, optimizer, List.of(new EngineListener(state)));
        this.optimizer = optimizer;
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
        return base() instanceof SparseTrainingConfig
                ? Optional.of(((SparseTrainingConfig) base()).run())
                : Optional.empty();
    }

    /**
     * The folder name of S2ViTE's state inside a run checkpoint.
     *
     * @return {@code s2vite}
     */
    @Override
    public String checkpointName() {
        return "s2vite";
    }

    /**
     * Saves the structured state as {@code dir/structured.state} and a checkpointable inner
     * configuration's state into {@code dir/<its name>/}.
     *
     * @throws IllegalStateException before training has begun
     */
    @Override
    public void writeCheckpoint(Path dir) throws IOException {
        run.state.save(dir.resolve(STATE_FILE));
        if (base() instanceof Checkpointable) {
            Checkpointable inner = (Checkpointable) base();
            inner.writeCheckpoint(Files.createDirectories(dir.resolve(inner.checkpointName())));
        }
    }

    /**
     * Stages {@code dir/structured.state} (and the inner configuration's state) to replace the
     * initial active sets when training begins; the gates come with the weights.
     *
     * @throws IllegalArgumentException if a file is missing, damaged, or written for another
     *     budget, or if the checkpoint's inner states do not match this configuration's
     */
    @Override
    public void readCheckpoint(Path dir) throws IOException {
        run.state.resumeFrom(StateFile.read(dir.resolve(STATE_FILE), StructuredState.STATE_KIND));
        if (base() instanceof Checkpointable) {
            Checkpointable inner = (Checkpointable) base();
            Path sub = dir.resolve(inner.checkpointName());
            if (!Files.isDirectory(sub)) {
                throw new IllegalArgumentException(
                        "structured checkpoint " + dir + " has no state '" + inner.checkpointName()
                                + "' for the configuration it decorates (was it written without SViTE masks?)");
            }
            inner.readCheckpoint(sub);
        } else {
            try (var others = Files.list(dir)) {
                List<Path> extra = others.filter(Files::isDirectory).toList();
                if (!extra.isEmpty()) {
                    throw new IllegalArgumentException(
                            "structured checkpoint " + dir + " holds the inner state " + extra.get(0).getFileName()
                                    + ", but this configuration decorates none (was it written with SViTE masks?)");
                }
            }
        }
    }
}
