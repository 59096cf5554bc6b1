package io.svite.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The pruning state of one selected parameter: its 0/1 mask on every device that holds a copy
 * (none while nothing has been pruned), its active count, the entries active when the run began,
 * and the importance scores summed since the last event.
 *
 * <p>Unlike SViTE's {@link SparseLayer}, the active count only falls: each event keeps a subset
 * of the entries kept before.
 */
final class PrunedLayer {

    final String djlName;
    final String display;
    final String layer;
    final Parameter parameter;
    final Shape shape;
    final long size;

    private long active;
    private long startActive;
    private NDArray startMask;
    private NDArray scores;
    private final DeviceMasks masks = new DeviceMasks();
    private final Map<Device, NDArray> copies = new ConcurrentHashMap<>();

    PrunedLayer(String djlName, String display, String layer, Parameter parameter, Shape shape) {
        this.djlName = djlName;
        this.display = display;
        this.layer = layer;
        this.parameter = parameter;
        this.shape = shape;
        this.size = shape.size();
        this.active = size;
        this.startActive = size;
    }

    long active() {
        return active;
    }

    void setActive(long count) {
        if (count > active || count < 0) {
            throw new IllegalStateException(
                    "pruning may only lower " + display + "'s active count " + active + ", not set it to " + count);
        }
        active = count;
    }

    /** Entries active when the run began (all, unless it started from given masks). */
    long startActive() {
        return startActive;
    }

    /** The boolean mask the run started from, or null when it started dense. */
    NDArray startMask() {
        return startMask;
    }

    /** Records the masks the run starts from (owned by {@code manager}). */
    void start(NDArray mask, NDArray booleanMask, long count, NDManager manager) {
        booleanMask.attach(manager);
        startMask = booleanMask;
        startActive = count;
        active = count;
        replaceMasks(mask, java.util.List.of(), d -> manager);
    }

    /**
     * Restores the layer from a checkpoint: the masks (null while nothing was pruned, else in the
     * weight's data type, installed on every device), the start mask (null when the run started
     * dense), the counts and the summed scores (null when none were summed), each already owned
     * by the engine's managers.
     */
    void restore(NDArray mask, NDArray start, long startCount, long activeCount, NDArray summed,
            Collection<Device> devices, Function<Device, NDManager> managers) {
        startMask = start;
        startActive = startCount;
        active = activeCount;
        scores = summed;
        if (mask != null) {
            replaceMasks(mask, devices, managers);
        }
    }

    boolean masked() {
        return !masks.isEmpty();
    }

    /** The mask on a device, copied there from an existing copy the first time; null while unmasked. */
    NDArray maskOn(Device device, Function<Device, NDManager> managers) {
        return masks.on(device, managers);
    }

    /**
     * Replaces the mask on every device that has one and on {@code devices} with the values of
     * {@code mask}, which the copy on its own device takes over.
     */
    void replaceMasks(NDArray mask, Collection<Device> devices, Function<Device, NDManager> managers) {
        masks.replace(mask, devices, managers);
    }

    /** The importance summed since the last event, or null before the first summed batch. */
    NDArray scores() {
        return scores;
    }

    /** Adds one batch's scores, allocating the sum (in {@code manager}) the first time. */
    void addScores(NDArray batchScores, NDManager manager) {
        if (scores == null) {
            scores = batchScores.zerosLike();
            scores.attach(manager);
        }
        scores.addi(batchScores);
    }

    /** Starts a new sum of zeros in place of the old one (same number of arrays). */
    void resetScores() {
        if (scores != null) {
            NDArray fresh = scores.zerosLike();
            fresh.attach(scores.getManager());
            scores.close();
            scores = fresh;
        }
    }

    /** Frees the summed scores for good (no event left to use them). */
    void dropScores() {
        if (scores != null) {
            scores.close();
            scores = null;
        }
    }

    /** Remembers the weight array the optimizer updates on a device. */
    void rememberCopy(NDArray weight) {
        copies.putIfAbsent(weight.getDevice(), weight);
    }

    /** The training copy on a device, or null if not seen yet (the master counts if it is there). */
    NDArray copyOn(Device device) {
        NDArray copy = copies.get(device);
        if (copy == null && parameter.isInitialized() && parameter.getArray().getDevice().equals(device)) {
            copy = parameter.getArray();
        }
        return copy;
    }

    /** Any mask copy, or null while unmasked. */
    NDArray anyMask() {
        return masks.any();
    }
}
