package io.svite.core.training;

import io.svite.core.checkpoint.Checkpointable;
import io.svite.core.checkpoint.TensorFile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An exponential moving average of a model's parameters, kept on the device as a DJL listener:
 * {@code ema ← d·ema + (1 − d)·w} once per training batch, to be evaluated or saved in place of
 * the trained weights (DeiT evaluates such an average with d = 0.99996). Only trained parameters
 * are averaged; frozen ones ({@code requiresGradient() == false}, such as S2ViTE's 0/1 gates) keep
 * the model's live values, so an average never holds a fractional gate.
 *
 * <pre>{@code
 * ModelEma ema = ModelEma.of(0.999);
 * config.addTrainingListeners(ema);               // after a CheckpointListener, which it joins
 * EasyTrain.fit(trainer, epochs, train, test);
 * ema.swap(model.getBlock());                     // the average in the model: evaluate or save it
 * ema.close();                                    // frees the average (it lives outside the model)
 * }</pre>
 *
 * <p>DJL has no hook after {@code trainer.step()}, so the update in {@code onTrainingBatch} reads
 * the weights the step before left: the average lags the weights by one step, and {@link
 * #onTrainingEnd} adds the last step. The first batch starts the average at the initial weights. It
 * is {@link Checkpointable}: a checkpoint holds the averages and their count, and a resumed run
 * continues the same average (a checkpoint listener writes before this listener's update).
 */
public final class ModelEma extends TrainingListenerAdapter implements Checkpointable, AutoCloseable {

    private final double decay;
    private NDManager manager;
    private Map<String, NDArray> average;
    private Map<String, NDArray> staged;
    private NDManager staging;
    private long updates;

    private ModelEma(double decay) {
        this.decay = decay;
    }

    /**
     * A moving average.
     *
     * @param decay d in [0, 1): the weight of the old average at each step
     * @return the listener
     * @throws IllegalArgumentException for d outside [0, 1)
     */
    public static ModelEma of(double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + decay);
        }
        return new ModelEma(decay);
    }

    /**
     * Updates of the average so far (the first batch counts as one).
     *
     * @return updates
     */
    public long updates() {
        return updates;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        update(trainer.getModel().getBlock());
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        update(trainer.getModel().getBlock());
    }

    /**
     * Moves the average towards the block's current weights (or starts it there).
     *
     * @param block the trained block
     */
    public void update(Block block) {
        if (average == null) {
            boolean resumed = staged != null;
            start(block);
            if (!resumed) {
                return;
            }
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = average.get(p.getKey());
            if (a == null || !p.getValue().isInitialized()) {
                continue;
            }
            try (NDArray diff = a.sub(p.getValue().getArray().toDevice(a.getDevice(), false))) {
                diff.muli(1 - decay);
                a.subi(diff);
            }
        }
        updates++;
    }

    private void start(Block block) {
        manager = NDManager.newBaseManager(block.getParameters().valueAt(0).getArray().getDevice());
        average = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().isInitialized() && p.getValue().requiresGradient()) {
                NDArray w = p.getValue().getArray();
                NDArray copy = staged != null && staged.containsKey(p.getKey()) ? staged.get(p.getKey()) : w.duplicate();
                copy.attach(manager);
                average.put(p.getKey(), copy);
            }
        }
        if (staged == null) {
            updates = 1;
        } else {
            staging.close();
            staging = null;
            staged = null;
        }
    }

    /**
     * Exchanges the block's weights with the average: the first call puts the average in the model
     * (to evaluate or save it), the second puts the trained weights back.
     *
     * @param block the trained block
     * @throws IllegalStateException before the first update
     */
    public void swap(Block block) {
        if (average == null) {
            throw new IllegalStateException("the average starts at the first training batch; nothing to swap yet");
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = average.get(p.getKey());
            if (a == null) {
                continue;
            }
            NDArray w = p.getValue().getArray();
            try (NDArray held = w.duplicate()) {
                w.set(new NDIndex("..."), a.toDevice(w.getDevice(), false));
                a.set(new NDIndex("..."), held.toDevice(a.getDevice(), false));
            }
        }
    }

    /**
     * Runs {@code use} with the average in the block, each averaged weight multiplied by its mask
     * where {@code masks} gives one (the sparsity a model trains under also holds for its average),
     * then puts the trained weights back, also when {@code use} throws. The average is not changed.
     *
     * <pre>{@code
     * double acc = ema.withAverage(model.getBlock(), p -> masksOf(p), () -> evaluate(model));
     * }</pre>
     *
     * @param block the trained block
     * @param masks the 0/1 mask of a parameter, same shape, or null for none; may be null itself
     * @param use what to do with the averaged model, e.g. evaluate it
     * @param <T> the result's type
     * @return what {@code use} returned
     * @throws IllegalStateException before the first update
     */
    public <T> T withAverage(Block block, Function<Parameter, NDArray> masks, Supplier<T> use) {
        if (average == null) {
            throw new IllegalStateException("the average starts at the first training batch; nothing to evaluate yet");
        }
        try (NDManager held = manager.newSubManager()) {
            Map<Parameter, NDArray> trained = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray a = average.get(p.getKey());
                if (a == null) {
                    continue;
                }
                NDArray w = p.getValue().getArray();
                NDArray copy = w.duplicate();
                copy.attach(held);
                trained.put(p.getValue(), copy);
                NDArray mask = masks == null ? null : masks.apply(p.getValue());
                NDArray maskHere = mask == null ? null : mask.toDevice(a.getDevice(), false);
                try (NDArray value = maskHere == null ? a.duplicate() : a.mul(maskHere)) { // never a view of the average
                    NDArray onWeight = value.toDevice(w.getDevice(), false);
                    w.set(new NDIndex("..."), onWeight);
                    if (onWeight != value) {
                        onWeight.close();
                    }
                } finally {
                    if (maskHere != null && maskHere != mask) {
                        maskHere.close();
                    }
                }
            }
            try {
                return use.get();
            } finally {
                for (Map.Entry<Parameter, NDArray> e : trained.entrySet()) {
                    e.getKey().getArray().set(new NDIndex("..."), e.getValue());
                }
            }
        }
    }

    /** Frees the average and anything staged from a checkpoint; {@link #average} is null afterwards. */
    @Override
    public void close() {
        if (manager != null) {
            manager.close();
            manager = null;
        }
        if (staging != null) {
            staging.close();
            staging = null;
        }
        average = null;
        staged = null;
    }

    /**
     * The average of one parameter.
     *
     * @param name the parameter's name in {@code block.getParameters()}
     * @return the average, or null if there is none (yet)
     */
    public NDArray average(String name) {
        return average == null ? null : average.get(name);
    }

    @Override
    public String checkpointName() {
        return "ema";
    }

    @Override
    public void writeCheckpoint(Path dir) throws IOException {
        if (average == null) {
            Files.writeString(dir.resolve("ema.txt"), "0", StandardCharsets.UTF_8);
            return;
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("ema.tensors"))) {
            TensorFile.write(out, average, true);
        }
        Files.writeString(dir.resolve("ema.txt"), Long.toString(updates), StandardCharsets.UTF_8);
    }

    @Override
    public void readCheckpoint(Path dir) throws IOException {
        long n = Long.parseLong(Files.readString(dir.resolve("ema.txt"), StandardCharsets.UTF_8).trim());
        updates = n;
        if (n == 0) {
            return;
        }
        staging = NDManager.newBaseManager();
        Map<String, NDArray> read = TensorFile.read(dir.resolve("ema.tensors"), staging);
        staged = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : read.entrySet()) {
            staged.put(e.getKey(), e.getValue().duplicate()); // decoded arrays share a Java buffer: copy
        }
        average = null;
    }
}
