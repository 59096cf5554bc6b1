package io.svite.core.resume;

import io.svite.core.checkpoint.CheckpointException;
import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.checkpoint.Checkpointable;
import io.svite.core.checkpoint.PendingCheckpoint;
import io.svite.core.checkpoint.StoredCheckpoint;
import io.svite.core.checkpoint.TensorFile;
import io.svite.core.optimizer.OptimizerDecorator;
import io.svite.core.optimizer.StatefulOptimizer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.TrainingConfig;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a checkpoint holds of a training run besides its position: {@value #WEIGHTS} (every
 * parameter of the model, gates included, by its name in {@code block.getParameters()}), {@value
 * #OPTIMIZER} (the moments and step counts of the project's optimizer, found behind any decorator)
 * and {@code states/<name>/} for every {@link Checkpointable} among the training configuration,
 * its optimizers and its listeners (the sparsity engine, a token selector's temperature, a loop's
 * own accumulators).
 *
 * <p>Writing goes into a pending checkpoint folder of a {@link CheckpointStore}; restoring reads a
 * verified {@link StoredCheckpoint}: the states before the trainer is created, the weights into an
 * initialised block, the optimizer state before the next step.
 */
public final class TrainingState {

    /** The weights file inside a checkpoint. */
    public static final String WEIGHTS = "weights.tensors";
    /** The optimizer state file inside a checkpoint. */
    public static final String OPTIMIZER = "optimizer.tensors";
    /** The folder of the states inside a checkpoint. */
    public static final String STATES = "states";

    private static final Pattern STATE_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final Block block;
    private final StatefulOptimizer optimizer;
    private final List<Checkpointable> states;

    private TrainingState(Block block, StatefulOptimizer optimizer, List<Checkpointable> states) {
        this.block = block;
        this.optimizer = optimizer;
        this.states = List.copyOf(states);
        names(this.states);
    }

    /**
     * The state of a model trained with a configuration.
     *
     * @param block the model's block
     * @param config the configuration the trainer is (or will be) made from
     * @param extra further states the caller keeps (e.g. a loop's accumulators)
     * @return the state
     * @throws IllegalStateException if two states share a name or a name is not usable as a folder
     */
    public static TrainingState of(Block block, TrainingConfig config, Checkpointable... extra) {
        List<Object> parts = new ArrayList<>();
        parts.add(config);
        for (Optimizer o = config.getOptimizer(); o != null; o = o instanceof OptimizerDecorator ? ((OptimizerDecorator) o).delegate() : null) {
            parts.add(o);
        }
        parts.addAll(config.getTrainingListeners());
        parts.addAll(List.of(extra));
        List<Checkpointable> states = new ArrayList<>();
        StatefulOptimizer stateful = null;
        for (Object part : parts) {
            if (part instanceof Checkpointable && states.stream().noneMatch(c -> c == part)) {
                states.add((Checkpointable) part);
            }
            if (part instanceof StatefulOptimizer && stateful == null) {
                stateful = (StatefulOptimizer) part;
            }
        }
        return new TrainingState(block, stateful, states);
    }

    /**
     * The project's optimizer the state saves, if the configuration trains with one.
     *
     * @return the optimizer, or null (then a resumed run's moments start fresh: not exact)
     */
    public StatefulOptimizer optimizer() {
        return optimizer;
    }

    /**
     * The names of the states, in order.
     *
     * @return folder names under {@code states/}
     */
    public List<String> stateNames() {
        return names(states);
    }

    /**
     * Writes weights, optimizer state and states into a pending checkpoint.
     *
     * @param pending the checkpoint being written
     * @throws IOException if a file cannot be written
     * @throws io.svite.core.checkpoint.NonFiniteValuesException if a weight or moment is NaN or infinite
     */
    public void write(PendingCheckpoint pending) throws IOException {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            weights.put(p.getKey(), p.getValue().getArray());
        }
        try (OutputStream out = pending.create(WEIGHTS)) {
            TensorFile.write(out, weights, true);
        }
        if (optimizer != null) {
            try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
                Map<String, NDArray> named = new LinkedHashMap<>();
                for (NDArray a : optimizer.saveState(block, host)) {
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
    }

    /**
     * Hands every state its folder of a checkpoint; call before the trainer is created.
     *
     * @param checkpoint a verified checkpoint written with the same states
     * @param written the state names its manifest records
     * @throws IOException if a state cannot read its files
     * @throws IllegalStateException if the checkpoint holds other states than this run
     */
    public void readStates(StoredCheckpoint checkpoint, List<String> written) throws IOException {
        List<String> names = stateNames();
        if (!new HashSet<>(names).equals(new HashSet<>(written))) {
            throw new IllegalStateException(
                    "checkpoint " + checkpoint.name() + " holds the states " + written + ", but this run has " + names);
        }
        for (Checkpointable s : states) {
            s.readCheckpoint(checkpoint.file(STATES + "/" + s.checkpointName()));
        }
    }

    /**
     * Copies a checkpoint's weights into the initialised block.
     *
     * @param checkpoint a verified checkpoint of a model of the same architecture
     * @throws IOException if the file cannot be read, or holds other parameters or shapes
     */
    public void loadWeights(StoredCheckpoint checkpoint) throws IOException {
        try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> saved = TensorFile.read(checkpoint.file(WEIGHTS), host);
            Set<String> unused = new TreeSet<>(saved.keySet());
            List<Pair<Parameter, NDArray>> copies = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray source = saved.get(p.getKey());
                NDArray target = p.getValue().getArray();
                if (source == null) {
                    throw new CheckpointException("checkpoint " + checkpoint.name() + " has no weights for " + p.getKey());
                }
                if (!source.getShape().equals(target.getShape()) || source.getDataType() != target.getDataType()) {
                    throw new CheckpointException(
                            "checkpoint " + checkpoint.name() + " has " + p.getKey() + " as " + source.getDataType() + " "
                                    + source.getShape() + ", the model as " + target.getDataType() + " " + target.getShape());
                }
                unused.remove(p.getKey());
                copies.add(new Pair<>(p.getValue(), source));
            }
            if (!unused.isEmpty()) {
                throw new CheckpointException(
                        "checkpoint " + checkpoint.name() + " has weights the model does not have: " + unused);
            }
            for (Pair<Parameter, NDArray> c : copies) {
                NDArray target = c.getKey().getArray();
                NDArray source = c.getValue().toDevice(target.getDevice(), false);
                target.set(new NDIndex("..."), source);
            }
        }
    }

    /**
     * Replaces the optimizer's state by the checkpoint's; call once the parameters hold the
     * checkpoint's weights, before the next step.
     *
     * @param checkpoint a verified checkpoint
     * @throws IOException if the file cannot be read, or is missing though the run has an optimizer
     */
    public void loadOptimizer(StoredCheckpoint checkpoint) throws IOException {
        if (optimizer == null) {
            return;
        }
        if (!Files.exists(checkpoint.file(OPTIMIZER))) {
            throw new CheckpointException("checkpoint " + checkpoint.name() + " has no optimizer state");
        }
        try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
            NDList state = new NDList();
            TensorFile.read(checkpoint.file(OPTIMIZER), host).values().forEach(state::add);
            optimizer.loadState(block, state);
        }
    }

    /**
     * Checks the names of states: unique and usable as folder names.
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
}
