package io.svite.models.run;

import io.svite.core.checkpoint.CheckpointException;
import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.checkpoint.StoredCheckpoint;
import io.svite.core.resume.CheckpointListener;
import io.svite.core.resume.CheckpointListenerBuilder;
import io.svite.core.resume.TrainingState;
import io.svite.core.training.CheckpointPolicy;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checkpoints of one run: where a resumed run starts ({@link ResumePoint}), which checkpoint
 * each phase restores from ({@link PhaseRestore}), and each phase's {@link CheckpointListener}
 * over the run's {@link CheckpointStore}, which keeps the newest checkpoints and never the ends of
 * earlier phases.
 *
 * <p>A checkpoint holds what the core's {@link TrainingState} writes — {@code weights.tensors},
 * {@code optimizer.tensors}, {@code states/<name>/} for the engine's state ({@code sparsity}) and
 * the token temperature ({@code temperature}) — and the manifest ({@link RunManifest}: the
 * listener's position, seed and random scheme, and the loop's phase, accumulators, history,
 * architectures and recipe).
 *
 * <p>While it is open the run folder is locked ({@link RunLock}), so two processes never train
 * into the same folder.
 */
final class RunCheckpoints implements AutoCloseable {

    static final String WEIGHTS = TrainingState.WEIGHTS;
    static final String OPTIMIZER = TrainingState.OPTIMIZER;
    static final String STATES = TrainingState.STATES;
    static final String LOCK = RunLock.FILE;

    private final Path runDir;
    private final CheckpointStore store;
    private final CheckpointPolicy policy;
    private final JsonElement recipe;
    private final JsonElement runArchitecture;
    private final RunLock lock;
    /** The newest checkpoint at the end of each finished phase, by phase index. */
    private final Map<Integer, StoredCheckpoint> phaseEnds = new TreeMap<>();
    private ResumePoint resume;
    private Path latest;
    private int currentPhase;

    private RunCheckpoints(
            Path runDir, CheckpointStore store, CheckpointPolicy policy, JsonElement recipe, DeiTConfig architecture)
            throws IOException {
        this.runDir = runDir;
        this.store = store;
        this.policy = policy;
        this.recipe = recipe;
        this.runArchitecture = JsonParser.parseString(DeiTFiles.toJson(architecture));
        this.lock = RunLock.acquire(runDir);
    }

    /**
     * Opens the checkpoints of a new run: the folder must hold none yet.
     *
     * @param runDir the run folder
     * @param store its checkpoint store
     * @param policy when to write and how many to keep
     * @param recipe the recipe and method settings (compared when the run is resumed)
     * @param architecture the architecture the method asked for
     * @return the run's checkpoints
     * @throws IllegalArgumentException if the folder already holds checkpoints
     * @throws IOException if the folder cannot be read
     */
    static RunCheckpoints fresh(
            Path runDir, CheckpointStore store, CheckpointPolicy policy, JsonElement recipe, DeiTConfig architecture)
            throws IOException {
        RunCheckpoints c = new RunCheckpoints(runDir, store, policy, recipe, architecture);
        try {
            List<Path> existing = store.list();
            if (!existing.isEmpty()) {
                throw new IllegalArgumentException(
                        runDir + " already holds checkpoints of a run (newest: " + existing.get(existing.size() - 1).getFileName()
                                + "); resume it with 'svite train --resume " + runDir + "' or choose another output folder");
            }
            store.removeLeftovers();
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Opens the checkpoints of a run to resume: chooses the newest checkpoint that verifies,
     * belongs to this recipe and architecture, and has the end of every earlier phase behind it;
     * refused ones are renamed {@code refused-step-N} and reported.
     *
     * @param runDir the run folder
     * @param store its checkpoint store
     * @param policy when to write and how many to keep
     * @param recipe the recipe and method settings
     * @param architecture the architecture the method asked for
     * @return the run's checkpoints, resuming from nothing if the folder held none
     * @throws IllegalStateException if there are checkpoints but none can be used
     * @throws IOException if the folder cannot be read
     */
    static RunCheckpoints resuming(
            Path runDir, CheckpointStore store, CheckpointPolicy policy, JsonElement recipe, DeiTConfig architecture)
            throws IOException {
        RunCheckpoints c = new RunCheckpoints(runDir, store, policy, recipe, architecture);
        try {
            store.removeLeftovers();
            c.resume = ResumePoint.choose(store, runDir, recipe, c.runArchitecture);
            if (c.resume != null) {
                c.phaseEnds.putAll(c.resume.phaseEnds());
                c.latest = c.resume.checkpoint().dir();
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The run folder. */
    Path runDir() {
        return runDir;
    }

    /** The checkpoints' folder, {@code runDir/checkpoints}. */
    Path dir() {
        return store.dir();
    }

    /** The recipe and method settings every checkpoint of this run records. */
    JsonElement recipe() {
        return recipe;
    }

    /** The architecture the method asked for, as {@code DeiTFiles} JSON. */
    JsonElement runArchitecture() {
        return runArchitecture;
    }

    /** The newest checkpoint on disk, or null if none. */
    Path latest() {
        return latest;
    }

    /**
     * The checkpoint a phase restores from: the resume point for the phase it was written in, the
     * end of an earlier phase for that phase, nothing for later phases or fresh runs.
     *
     * @param phaseIndex the phase, from 0
     * @return the restore, or null to start the phase fresh
     * @throws CheckpointException if the end of an earlier phase has a malformed manifest
     */
    PhaseRestore restoreFor(int phaseIndex) throws CheckpointException {
        if (resume == null || phaseIndex > resume.manifest().phaseIndex()) {
            return null;
        }
        if (phaseIndex == resume.manifest().phaseIndex()) {
            return new PhaseRestore(resume.checkpoint(), resume.manifest());
        }
        StoredCheckpoint end = phaseEnds.get(phaseIndex);
        return new PhaseRestore(end, RunManifest.of(end));
    }

    /**
     * The checkpoint listener of a phase: writes into this run's store under its policy, never
     * removes the ends of earlier phases, and records the new ends and the newest checkpoint.
     *
     * @param phaseIndex the phase, from 0
     * @return a builder to complete with the phase's position, sampler, manifest and checks
     */
    CheckpointListenerBuilder listener(int phaseIndex) {
        currentPhase = phaseIndex;
        return CheckpointListener.builder()
                .store(store)
                .every(policy.everySteps())
                .keep(policy.keep())
                .resume(false)
                .spare(this::spared)
                .afterWrite(this::written);
    }

    /** The ends of earlier phases, which the retention never removes. */
    private boolean spared(Path checkpoint) {
        for (Map.Entry<Integer, StoredCheckpoint> e : phaseEnds.entrySet()) {
            if (e.getKey() < currentPhase && e.getValue().dir().equals(checkpoint)) {
                return true;
            }
        }
        return false;
    }

    private void written(StoredCheckpoint checkpoint) {
        latest = checkpoint.dir();
        try {
            RunManifest m = RunManifest.of(checkpoint);
            if (m.atPhaseEnd()) {
                phaseEnds.put(m.phaseIndex(), checkpoint);
            }
        } catch (CheckpointException e) {
            throw new IllegalStateException("the checkpoint just written has no loop manifest: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        lock.close();
    }
}
