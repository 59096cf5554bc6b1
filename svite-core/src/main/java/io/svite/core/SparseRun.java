package io.svite.core;

import io.svite.core.checkpoint.MaskCheckpoint;
import io.svite.core.checkpoint.SavedMasks;
import io.svite.core.engine.EngineCheckpoint;
import io.svite.core.engine.MaskSet;
import io.svite.core.engine.SparseEngine;
import io.svite.core.report.SparsityReport;
import io.svite.core.report.Timeline;
import io.svite.core.report.UnitReport;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The handle of one sparse training run, from {@link SparseTrainingConfig#run()}: its reports, its
 * step and update counters, its masks (to save, or to start the next phase from) and its active
 * units.
 */
public final class SparseRun {

    private final SparseEngine engine;
    private final long seed;

    SparseRun(SparseEngine engine, long seed) {
        this.engine = engine;
        this.seed = seed;
    }

    /**
     * The masked weights now: per tensor shape, density, non-zeros and the fraction ever active
     * (reads counts from the device; not meant for every step). After the trainer is closed, the
     * last report.
     *
     * @return the sparsity report
     * @throws IllegalStateException before training has begun, or if the recipe masks no weights
     */
    public SparsityReport report() {
        SparsityReport r = engine.report();
        if (r.layers().isEmpty()) {
            throw new IllegalStateException("the recipe masks no weights; units() reports its unit groups");
        }
        return r;
    }

    /**
     * The unit groups now: per group and family the active, ever-active, changed and grown units.
     * After the trainer is closed, the last report.
     *
     * @return the unit report
     * @throws IllegalStateException before training has begun, or if the recipe has no unit budgets
     */
    public UnitReport units() {
        UnitReport r = engine.units();
        if (r.groups().isEmpty()) {
            throw new IllegalStateException("the recipe has no unit budgets; report() reports its masks");
        }
        return r;
    }

    /**
     * The indices of the active units of every group, read from the gates (not meant for every
     * step).
     *
     * @return active unit indices, increasing, by group name in the model's order
     * @throws IllegalStateException before training has begun
     */
    public Map<String, List<Integer>> activeUnits() {
        return engine.activeUnits();
    }

    /**
     * How the run explored its topology: the state training began with and, after every update,
     * each masked tensor's active, pruned, grown and ever-active counts and each unit group's
     * active units. Recorded as the run trains (a few counts per update, nothing per step), kept in
     * its checkpoints so a resumed run's timeline is the uninterrupted one's, and readable after
     * the trainer is closed.
     *
     * @return the timeline
     * @throws IllegalStateException before training has begun
     */
    public Timeline timeline() {
        return engine.timeline();
    }

    /**
     * Optimizer steps done (including those before a resumed checkpoint).
     *
     * @return the step count
     */
    public long step() {
        return engine.steps();
    }

    /**
     * Updates done: steps at which masks or units were rewritten, and pruning events (a step-0
     * event included), counting those before a resumed checkpoint.
     *
     * @return the number of updates
     */
    public long updates() {
        return engine.updates();
    }

    /**
     * Wall time of the most recent update (all parts, all devices), for benchmarks and logs.
     *
     * @return seconds, 0 before the first update
     */
    public double lastUpdateSeconds() {
        return engine.lastUpdateSeconds();
    }

    /**
     * Whether the masks and units are installed (after {@code trainer.initialize}, or when the
     * trainer was created for an initialised model).
     *
     * @return true once bound to the model
     */
    public boolean isBound() {
        return engine.bound();
    }

    /**
     * The live mask of a parameter on the device of its array: 1 where the entry is active. It
     * belongs to the run: read it, do not change or close it.
     *
     * @param parameter a parameter of the model
     * @return its mask, or null if the parameter is not masked (unselected, dense, or not pruned yet)
     */
    public NDArray mask(Parameter parameter) {
        engine.requireOpen("read a mask");
        return engine.mask(parameter);
    }

    /**
     * A copy of the current masks on the device, e.g. to fine-tune with them fixed ({@link
     * RecipeBuilder#startFrom}); a tensor without a mask yet is all true. The caller closes it (or
     * it goes with the model).
     *
     * @return the masks
     * @throws IllegalStateException before training has begun or after the model was closed
     */
    public MaskSet masks() {
        engine.requireOpen("take the masks");
        return MaskSet.copyOf(engine.tensors(), engine.root().getParentManager());
    }

    /**
     * The run's policies, in the order they run (for inspection: each one's masks, units or
     * schedule position).
     *
     * @return the policies
     */
    public List<io.svite.core.engine.MaskPolicy> policies() {
        return engine.policies();
    }

    /**
     * The mask file of a model saved as {@code name} in {@code dir}.
     *
     * @param dir the model's folder
     * @param name the model's name
     * @return {@code dir/name.masks}
     */
    public static Path checkpointFile(Path dir, String name) {
        return dir.resolve(name + MaskCheckpoint.SUFFIX);
    }

    /**
     * Saves the masks, their ever-active sets (for a pruning run: the masks it began with), the step
     * and the update count next to a model, atomically, for reports ({@code SavedMasks}).
     *
     * @param dir the model's folder
     * @param name the model's name
     * @return the file written
     * @throws IOException if it cannot be written
     * @throws IllegalStateException before training has begun or after the model was closed
     */
    public Path save(Path dir, String name) throws IOException {
        engine.requireOpen("save the masks");
        Path file = checkpointFile(dir, name);
        try (NDManager scope = engine.root().newSubManager()) {
            List<MaskCheckpoint.Tensor> tensors = new ArrayList<>();
            engine.tensors().forEach(t -> tensors.add(t.checkpointEntry(scope)));
            MaskCheckpoint.write(file, engine.steps(), engine.updates(), seed, tensors);
        }
        return file;
    }

    /**
     * Resumes SViTE from a mask file saved by {@link #save}: its masks replace the initial draw and
     * the step and update counters continue. Call it before the trainer is created; the model's
     * weights are loaded separately ({@code Model.load}); the optimizer's state is not in the file
     * (a run checkpoint, {@link SparseTrainingConfig#readCheckpoint}, carries everything). The file is
     * read and verified now and matched against the model when training begins.
     *
     * @param dir the model's folder
     * @param name the model's name
     * @return this handle
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is missing, corrupt or not a mask file, or the recipe
     *     has parts other than SViTE's masks
     * @throws IllegalStateException if training has already begun
     */
    public SparseRun resumeFrom(Path dir, String name) throws IOException {
        EngineCheckpoint.Staged staged = EngineCheckpoint.fromMasks(MaskCheckpoint.read(checkpointFile(dir, name)),
                engine.policies());
        if (staged.updates() < 0) { // a file from before the count was recorded: the schedule's updates so far
            long updates = ((io.svite.core.policy.DynamicMasks) engine.policies().get(0)).updatesUpTo(staged.step());
            staged = new EngineCheckpoint.Staged(staged.file(), staged.step(), updates, staged.sections(),
                    staged.prefixed(), staged.decoder());
        }
        engine.resumeFrom(staged);
        engine.resumeTimeline(null); // a mask file holds no timeline: it starts at the resume
        return this;
    }

    /**
     * Frees the run's masks and scores before the model closes (e.g. once its masks were handed to
     * the next phase with {@link #masks()}). The reports stay readable; masks, saving and further
     * training with this run are not.
     */
    public void release() {
        engine.release();
    }
}
