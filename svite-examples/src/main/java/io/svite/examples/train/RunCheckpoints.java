package io.svite.examples.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.svite.core.training.Checkpointable;
import io.svite.core.training.StatefulOptimizer;
import io.svite.examples.checkpoint.CheckpointException;
import io.svite.examples.checkpoint.CheckpointStore;
import io.svite.examples.checkpoint.StoredCheckpoint;
import io.svite.examples.checkpoint.TensorFile;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The checkpoints of one run: chooses where a resumed run starts, writes checkpoints through the
 * {@link CheckpointStore}, keeps the newest ones, and restores a phase from one.
 *
 * <p>A checkpoint holds {@code weights.tensors} (every parameter of the phase's model, gates
 * included, by its name in {@code block.getParameters()}), {@code optimizer.tensors} (the project
 * optimizer's moments and step counts), {@code states/<name>/} for each {@link Checkpointable} of
 * the phase (SViTE: its masks, ever-active sets, step and update count), and the manifest ({@link
 * RunManifest}: position, data order, accumulators, history, architecture, recipe). The learning
 * rate follows the optimizer's step, the token temperature and the random generator follow the
 * phase's step, so nothing else is needed to continue exactly.
 *
 * <p>While it is open the run folder is locked ({@code .svite.lock}), so two processes never
 * train into the same folder.
 */
final class RunCheckpoints implements AutoCloseable {

    static final String WEIGHTS = "weights.tensors";
    static final String OPTIMIZER = "optimizer.tensors";
    static final String STATES = "states";
    static final String LOCK = ".svite.lock";

    private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoints.class);
    private static final Pattern STATE_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final Path runDir;
    private final CheckpointStore store;
    private final CheckpointPolicy policy;
    private final JsonElement recipe;
    private final JsonElement runArchitecture;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** The newest checkpoint at the end of each finished phase, by phase index. */
    private final Map<Integer, StoredCheckpoint> phaseEnds = new TreeMap<>();
    private StoredCheckpoint resume;
    private RunManifest resumeManifest;
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
        Path lockFile = runDir.resolve(LOCK);
        lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new IllegalStateException(
                    "another svite process is training in " + runDir + " (it holds " + lockFile
                            + "); wait for it to finish or stop it first");
        }
        lock = l;
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
     * @return the run's checkpoints; {@link #resumePoint()} is null if the folder held none
     * @throws IllegalStateException if there are checkpoints but none can be used
     * @throws IOException if the folder cannot be read
     */
    static RunCheckpoints resuming(
            Path runDir, CheckpointStore store, CheckpointPolicy policy, JsonElement recipe, DeiTConfig architecture)
            throws IOException {
        RunCheckpoints c = new RunCheckpoints(runDir, store, policy, recipe, architecture);
        try {
            store.removeLeftovers();
            c.chooseResumePoint();
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void chooseResumePoint() throws IOException {
        List<Path> all = store.list();
        if (all.isEmpty()) {
            LOG.warn("{} holds no checkpoint yet: training starts from the beginning", runDir);
            return;
        }
        Map<Path, String> refused = new LinkedHashMap<>();
        Map<Path, RunManifest> good = new LinkedHashMap<>();
        Map<Path, StoredCheckpoint> verified = new LinkedHashMap<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            Path p = all.get(i);
            try {
                StoredCheckpoint s = store.verify(p);
                RunManifest m = RunManifest.of(s);
                checkBelongs(s, m);
                verified.put(p, s);
                good.put(p, m);
            } catch (CheckpointException e) {
                refused.put(p, e.getMessage());
            }
        }
        for (int i = all.size() - 1; i >= 0 && resume == null; i--) {
            Path p = all.get(i);
            RunManifest m = good.get(p);
            if (m == null) {
                continue;
            }
            Map<Integer, StoredCheckpoint> ends = new TreeMap<>();
            String missing = null;
            for (int q = 0; q < m.phaseIndex() && missing == null; q++) {
                StoredCheckpoint end = null;
                for (int j = i - 1; j >= 0 && end == null; j--) {
                    RunManifest o = good.get(all.get(j));
                    if (o != null && o.phaseIndex() == q && o.atPhaseEnd()) {
                        end = verified.get(all.get(j));
                    }
                }
                if (end == null) {
                    missing = "the end of phase " + q + ", which it continues from, has no usable checkpoint";
                } else {
                    ends.put(q, end);
                }
            }
            if (missing != null) {
                refused.put(p, "checkpoint " + p.getFileName() + " cannot be resumed: " + missing);
                continue;
            }
            resume = verified.get(p);
            resumeManifest = m;
            phaseEnds.putAll(ends);
            latest = p;
        }
        if (resume == null) {
            throw new IllegalStateException(
                    "no usable checkpoint in " + store.dir() + ": " + String.join("; ", refused.values()));
        }
        for (Map.Entry<Path, String> r : refused.entrySet()) {
            if (CheckpointStore.stepOf(r.getKey()) < resume.step()) {
                LOG.warn("{} (not needed: a newer checkpoint is good)", r.getValue());
                continue;
            }
            // a newer checkpoint that cannot be used would shadow the ones this run writes next
            Path aside = r.getKey().resolveSibling("refused-" + r.getKey().getFileName());
            for (int n = 2; Files.exists(aside); n++) {
                aside = r.getKey().resolveSibling("refused-" + r.getKey().getFileName() + "-" + n);
            }
            LOG.warn("{}; using the previous good one, {}; the refused one is set aside as {}", r.getValue(),
                    resume.name(), aside.getFileName());
            Files.move(r.getKey(), aside);
        }
        LOG.info(
                "resuming from {} (phase '{}', epoch {} of {}, batch {}, step {})",
                resume.name(),
                resumeManifest.phase(),
                resumeManifest.epochsDone() + (resumeManifest.batchesDone() > 0 ? 1 : 0),
                resumeManifest.phaseEpochs(),
                resumeManifest.batchesDone(),
                resume.step());
    }

    private void checkBelongs(StoredCheckpoint s, RunManifest m) throws CheckpointException {
        if (!runArchitecture.equals(m.runArchitecture())) {
            throw new CheckpointException(
                    "checkpoint " + s.name() + " was written for another architecture ("
                            + differences(m.runArchitecture(), runArchitecture) + ")");
        }
        if (!recipe.equals(m.recipe())) {
            throw new CheckpointException(
                    "checkpoint " + s.name() + " was written by another recipe (" + differences(m.recipe(), recipe) + ")");
        }
    }

    /**
     * What differs between two JSON trees, by top-level key (nested objects by their dotted path).
     *
     * @param there the checkpoint's value
     * @param here this run's value
     * @return e.g. {@code learningRate 0.001 there, 0.002 here}
     */
    static String differences(JsonElement there, JsonElement here) {
        List<String> out = new ArrayList<>();
        diff("", there, here, out);
        if (out.isEmpty()) {
            return "they differ";
        }
        return String.join("; ", out.subList(0, Math.min(5, out.size()))) + (out.size() > 5 ? "; …" : "");
    }

    private static void diff(String path, JsonElement a, JsonElement b, List<String> out) {
        if (a != null && b != null && a.isJsonObject() && b.isJsonObject()) {
            Set<String> keys = new TreeSet<>(a.getAsJsonObject().keySet());
            keys.addAll(b.getAsJsonObject().keySet());
            for (String k : keys) {
                diff(path.isEmpty() ? k : path + "." + k, a.getAsJsonObject().get(k), b.getAsJsonObject().get(k), out);
            }
        } else if (a == null ? b != null : !a.equals(b)) {
            out.add((path.isEmpty() ? "value" : path) + " " + (a == null ? "absent" : a) + " there, "
                    + (b == null ? "absent" : b) + " here");
        }
    }

    /**
     * The run folder.
     *
     * @return the path
     */
    Path runDir() {
        return runDir;
    }

    /**
     * The checkpoints' folder.
     *
     * @return {@code runDir/checkpoints}
     */
    Path dir() {
        return store.dir();
    }

    /**
     * The recipe and method settings every checkpoint of this run records.
     *
     * @return the JSON
     */
    JsonElement recipe() {
        return recipe;
    }

    /**
     * The architecture the method asked for, as {@code DeiTFiles} JSON.
     *
     * @return the JSON
     */
    JsonElement runArchitecture() {
        return runArchitecture;
    }

    /**
     * The checkpoint a resumed run continues from.
     *
     * @return it, or null for a fresh run (or a resumed folder that held none)
     */
    StoredCheckpoint resumePoint() {
        return resume;
    }

    /**
     * The manifest of the resume point.
     *
     * @return it, or null
     */
    RunManifest resumeManifest() {
        return resumeManifest;
    }

    /**
     * The newest checkpoint on disk.
     *
     * @return its folder, or null if none
     */
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
     */
    Restore restoreFor(int phaseIndex) throws CheckpointException {
        currentPhase = phaseIndex;
        if (resume == null || phaseIndex > resumeManifest.phaseIndex()) {
            return null;
        }
        if (phaseIndex == resumeManifest.phaseIndex()) {
            return new Restore(resume, resumeManifest);
        }
        StoredCheckpoint end = phaseEnds.get(phaseIndex);
        return new Restore(end, RunManifest.of(end));
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
     * @throws io.svite.examples.checkpoint.NonFiniteValuesException if a weight or moment is NaN
     *     or infinite (nothing of it is then visible)
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
        prune();
        return written;
    }

    /** Removes all but the newest {@code keep} checkpoints, sparing the end of every earlier phase. */
    private void prune() throws IOException {
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

    @Override
    public void close() {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            lockChannel.close();
            Files.deleteIfExists(runDir.resolve(LOCK));
        } catch (IOException e) {
            LOG.warn("could not release {}: {}", runDir.resolve(LOCK), e.getMessage());
        }
    }

    /** One phase's view of a checkpoint it restores from. */
    static final class Restore {

        private final StoredCheckpoint checkpoint;
        private final RunManifest manifest;

        Restore(StoredCheckpoint checkpoint, RunManifest manifest) {
            this.checkpoint = checkpoint;
            this.manifest = manifest;
        }

        RunManifest manifest() {
            return manifest;
        }

        String name() {
            return checkpoint.name();
        }

        /**
         * Checks that the method runs the same phase again.
         *
         * @param phase the phase the method runs now
         * @param batchesPerEpoch the run's steps per epoch
         * @throws IllegalStateException if it differs
         */
        void checkPhase(TrainingPhase phase, long batchesPerEpoch) {
            if (!manifest.phase().equals(phase.name()) || manifest.phaseEpochs() != phase.epochs()
                    || manifest.batchesPerEpoch() != batchesPerEpoch) {
                throw new IllegalStateException(
                        "checkpoint " + name() + " was written in phase " + manifest.phaseIndex() + " '" + manifest.phase()
                                + "' (" + manifest.phaseEpochs() + " epochs of " + manifest.batchesPerEpoch()
                                + " steps), but the run now has phase '" + phase.name() + "' (" + phase.epochs()
                                + " epochs of " + batchesPerEpoch + " steps) there");
            }
        }

        /**
         * Hands each state its folder, before the trainer is created.
         *
         * @param states the phase's states
         * @throws IOException if a state cannot read its files
         */
        void readStates(List<Checkpointable> states) throws IOException {
            List<String> names = names(states);
            if (!new HashSet<>(names).equals(new HashSet<>(manifest.states()))) {
                throw new IllegalStateException(
                        "checkpoint " + name() + " holds the states " + manifest.states() + ", but this phase has "
                                + names);
            }
            for (Checkpointable s : states) {
                s.readCheckpoint(checkpoint.file(STATES + "/" + s.checkpointName()));
            }
        }

        /**
         * Copies the checkpoint's weights into an initialised model of the same architecture.
         *
         * @param block the model's block, initialised
         * @param architecture its architecture
         * @throws IOException if the file cannot be read
         */
        void loadWeights(Block block, DeiTConfig architecture) throws IOException {
            JsonElement here = JsonParser.parseString(DeiTFiles.toJson(architecture));
            if (!here.equals(manifest.modelArchitecture())) {
                throw new CheckpointException(
                        "checkpoint " + name() + " holds a model of another architecture ("
                                + differences(manifest.modelArchitecture(), here) + ")");
            }
            try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
                Map<String, NDArray> saved = TensorFile.read(checkpoint.file(WEIGHTS), host);
                Set<String> unused = new TreeSet<>(saved.keySet());
                List<Pair<Parameter, NDArray>> copies = new ArrayList<>();
                for (Pair<String, Parameter> p : block.getParameters()) {
                    NDArray source = saved.get(p.getKey());
                    NDArray target = p.getValue().getArray();
                    if (source == null) {
                        throw new CheckpointException("checkpoint " + name() + " has no weights for " + p.getKey());
                    }
                    if (!source.getShape().equals(target.getShape()) || source.getDataType() != target.getDataType()) {
                        throw new CheckpointException(
                                "checkpoint " + name() + " has " + p.getKey() + " as " + source.getDataType() + " "
                                        + source.getShape() + ", the model as " + target.getDataType() + " "
                                        + target.getShape());
                    }
                    unused.remove(p.getKey());
                    copies.add(new Pair<>(p.getValue(), source));
                }
                if (!unused.isEmpty()) {
                    throw new CheckpointException(
                            "checkpoint " + name() + " has weights the model does not have: " + unused);
                }
                for (Pair<Parameter, NDArray> c : copies) {
                    NDArray target = c.getKey().getArray();
                    NDArray source = c.getValue().toDevice(target.getDevice(), false);
                    target.set(new NDIndex("..."), source);
                }
            }
        }

        /**
         * Replaces the optimizer's state by the checkpoint's, after the trainer is initialised.
         *
         * @param optimizer the phase's optimizer
         * @param block the model's block
         * @throws IOException if the file cannot be read
         */
        void loadOptimizer(StatefulOptimizer optimizer, Block block) throws IOException {
            if (!Files.exists(checkpoint.file(OPTIMIZER))) {
                throw new CheckpointException("checkpoint " + name() + " has no optimizer state");
            }
            try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
                NDList state = new NDList();
                TensorFile.read(checkpoint.file(OPTIMIZER), host).values().forEach(state::add);
                optimizer.loadState(block, state);
            }
        }
    }
}
