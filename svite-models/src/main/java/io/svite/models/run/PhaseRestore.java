package io.svite.models.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

import io.svite.core.checkpoint.CheckpointException;
import io.svite.core.checkpoint.StoredCheckpoint;
import io.svite.core.checkpoint.TensorFile;
import io.svite.core.checkpoint.Checkpointable;
import io.svite.core.optimizer.StatefulOptimizer;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;
import io.svite.models.methods.TrainingPhase;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One phase's view of the checkpoint it restores from: checks that the method runs the same phase
 * again, then hands the phase's states their files and copies the weights and the optimizer state.
 */
final class PhaseRestore {

    private final StoredCheckpoint checkpoint;
    private final RunManifest manifest;

    PhaseRestore(StoredCheckpoint checkpoint, RunManifest manifest) {
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
        List<String> names = RunCheckpoints.names(states);
        if (!new HashSet<>(names).equals(new HashSet<>(manifest.states()))) {
            throw new IllegalStateException(
                    "checkpoint " + name() + " holds the states " + manifest.states() + ", but this phase has "
                            + names);
        }
        for (Checkpointable s : states) {
            s.readCheckpoint(checkpoint.file(RunCheckpoints.STATES + "/" + s.checkpointName()));
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
                            + JsonDiff.differences(manifest.modelArchitecture(), here) + ")");
        }
        try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> saved = TensorFile.read(checkpoint.file(RunCheckpoints.WEIGHTS), host);
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
        if (!Files.exists(checkpoint.file(RunCheckpoints.OPTIMIZER))) {
            throw new CheckpointException("checkpoint " + name() + " has no optimizer state");
        }
        try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
            NDList state = new NDList();
            TensorFile.read(checkpoint.file(RunCheckpoints.OPTIMIZER), host).values().forEach(state::add);
            optimizer.loadState(block, state);
        }
    }
}
