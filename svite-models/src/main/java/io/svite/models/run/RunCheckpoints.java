package io.svite.models.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

import io.svite.core.checkpoint.CheckpointException;
import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.checkpoint.StoredCheckpoint;
import io.svite.core.checkpoint.TensorFile;
import io.svite.core.training.CheckpointPolicy;
import io.svite.core.checkpoint.Checkpointable;
import io.svite.core.optimizer.StatefulOptimizer;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The checkpoints of one run: where a resumed run starts ({@link ResumePoint}), writing checkpoints
 * through the {@link CheckpointStore}, keeping the newest ones and the ends of earlier phases, and
 * which checkpoint each phase restores from ({@link PhaseRestore}).
 *
 * <p>A checkpoint holds {@code weights.tensors} (every parameter of the phase's model, gates
 * included, by its name in {@code block.getParameters()}), {@code optimizer.tensors} (the project
 * optimizer's moments and step counts), {@code states/<name>/} for each {@link Checkpointable} of
 * the phase (SViTE: its masks, ever-active sets, step and update count), and the manifest ({@link
 * RunManifest}: position, data order, accumulators, history, architecture, recipe). The learning
 * rate follows the optimizer's step, the token temperature and the random generator follow the
 * phase's step, so nothing else is needed to continue exactly.
 *
 * <p>While it is open the run folder is locked ({@link RunLock}), so two processes never train
 * into the same folder.
 */
final class RunCheckpoints implements AutoCloseable {

    static final String WEIGHTS = "weights.tensors";
    static final String OPTIMIZER = "optimizer.tensors";
    static final String STATES = "states";
    static final String LOCK = RunLock.FILE;

    private static final Pattern STATE_NAME = Pattern.compile("[A-Za-z0-9_-]+");

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
     * Whether a checkpoint is due after a step besides the ends of epochs.
     *
     * @param globalStep steps done across phases
     * @return true if due
     */
    boolean dueAfter(long globalStep) {
        return policy.dueAfter(globalStep);
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
        currentPhase = phaseIndex;
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
     * Writes a checkpoint, then removes old ones beyond the policy.
     *
     * @param manifest the loop's manifest
     * @param block the model trained in this phase
     * @param optimizer the phase's optimizer, or null if it has no state to save
     * @param states the phase's own states
     * @return the checkpoint's folder
     * @throws IOException if it cannot be written (nothing of it is then visible)
     * @throws io.svite.core.checkpoint.NonFiniteValuesException if a weight or moment is NaN or
     *     infinite (nothing of it is then visible)
     */
    Path save(RunManifest manifest, Block block, StatefulOptimizer optimizer, List<Checkpointable> states)
            throws IOException {
        Path written;
        try (CheckpointStore.Pending pending = store.begin(manifest.globalStep())) {
            try (OutputStream out = pending.create(WEIGHTS)) {
                TensorFile.write(out, weights(block), true);
            }
            if (optimizer != null) {
                try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
                    NDList state = optimizer.saveState(block, host);
                    Map<String, NDArray> named = new LinkedHashMap<>();
                    for (NDArray a : state) {
                        named.put(a.getName(), a);
                    }
                    try (OutputStream out = pending.create(OPTIMIZER)) {
                        TensorFile.write(out, named, true);
                    }
                }
            }
            for (Checkpointable s : states) {
                s.writeCheckpoint(pending.folder(STATES + "/" + s.checkpointName()));
            }
            written = pending.commit(manifest.toJson());
        }
        latest = written;
        if (manifest.atPhaseEnd()) {
            phaseEnds.put(manifest.phaseIndex(), store.verify(written));
        }
        removeOld();
        return written;
    }

    /** Retention: removes all but the newest {@code keep} checkpoints, sparing the end of every earlier phase. */
    private void removeOld() throws IOException {
        Set<Path> spared = new HashSet<>();
        for (Map.Entry<Integer, StoredCheckpoint> e : phaseEnds.entrySet()) {
            if (e.getKey() < currentPhase) {
                spared.add(e.getValue().dir());
            }
        }
        List<Path> all = new ArrayList<>(store.list());
        all.removeIf(spared::contains);
        Collections.reverse(all);
        for (int i = policy.keep(); i < all.size(); i++) {
            store.remove(all.get(i));
        }
    }

    private static Map<String, NDArray> weights(Block block) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.put(p.getKey(), p.getValue().getArray());
        }
        return out;
    }

    /**
     * Checks the names of a phase's states: unique and usable as folder names.
     *
     * @param states the states
     * @return their names, in order
     * @throws IllegalStateException for a duplicate or unusable name
     */
    static List<String> names(List<Checkpointable> states) {
        List<String> names = new ArrayList<>();
        for (Checkpointable s : states) {
            String n = s.checkpointName();
            if (n == null || !STATE_NAME.matcher(n).matches()) {
                throw new IllegalStateException(
                        s.getClass().getName() + " has checkpoint name '" + n + "'; use letters, digits, - and _");
            }
            if (names.contains(n)) {
                throw new IllegalStateException("two states of one phase are both named '" + n + "' in checkpoints");
            }
            names.add(n);
        }
        return names;
    }

    /** Releases the run folder's lock. */
    @Override
    public void close() {
        lock.close();
    }
}
