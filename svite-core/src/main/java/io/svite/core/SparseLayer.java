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
 * The masking state of one selected parameter: its 0/1 mask on every device that holds a copy,
 * the entries that were ever active (a boolean array on the device where rewrites run), and the
 * exact number of active entries.
 *
 * <p>Masks have the weight's shape and data type. The copy on each device is made once, the first
 * time that device is seen, and every rewrite replaces all copies with the same values. A layer
 * whose target count equals its size is dense: it has no mask and is never rewritten.
 */
final class SparseLayer {

    final String djlName;
    final String display;
    final String layer;
    final Parameter parameter;
    final Shape shape;
    final long size;
    final long active;

    private final DeviceMasks masks = new DeviceMasks();
    private final Map<Device, NDArray> copies = new ConcurrentHashMap<>();
    private NDArray everActive;

    SparseLayer(String djlName, String display, String layer, Parameter parameter, Shape shape, long active) {
        this.djlName = djlName;
        this.display = display;
        this.layer = layer;
        this.parameter = parameter;
        this.shape = shape;
        this.size = shape.size();
        this.active = active;
    }

    boolean dense() {
        return active == size;
    }

    /** Installs the first mask (and its ever-active copy), owned by {@code manager}. */
    void install(NDArray mask, NDArray ever, NDManager manager) {
        mask.attach(manager);
        ever.attach(manager);
        masks.install(mask);
        everActive = ever;
    }

    /**
     * The mask on a device, copied there from an existing copy the first time.
     *
     * @param device the device
     * @param managers the mask manager of each device
     * @return the mask on that device
     */
    NDArray maskOn(Device device, Function<Device, NDManager> managers) {
        return masks.on(device, managers);
    }

    /**
     * Replaces the mask on every device that has one, and on {@code devices}, with the values of
     * {@code mask}; the copy on {@code mask}'s own device takes ownership of {@code mask}.
     */
    void replaceMasks(NDArray mask, Collection<Device> devices, Function<Device, NDManager> managers) {
        masks.replace(mask, devices, managers);
    }

    NDArray everActive() {
        return everActive;
    }

    void replaceEverActive(NDArray ever, NDManager manager) {
        ever.attach(manager);
        NDArray old = everActive;
        everActive = ever;
        if (old != null && old != ever) {
            old.close();
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

    /** Any mask copy, for reading (reports, checkpoints). */
    NDArray anyMask() {
        return masks.any();
    }

    /** The layers as mask-file entries. */
    static java.util.List<io.svite.core.checkpoint.MaskCheckpoint.Tensor> tensors(Collection<SparseLayer> layers) {
        java.util.List<io.svite.core.checkpoint.MaskCheckpoint.Tensor> out = new java.util.ArrayList<>();
        for (SparseLayer l : layers) {
            out.add(new io.svite.core.checkpoint.MaskCheckpoint.Tensor(
                    l.display, l.shape, l.active, l.dense() ? null : l.anyMask(), l.dense() ? null : l.everActive()));
        }
        return out;
    }
}
