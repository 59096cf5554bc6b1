package io.svite.core.engine;

import io.svite.core.checkpoint.MaskCheckpoint;
import io.svite.core.ndarray.Tensors;
import io.svite.core.report.LayerSparsity;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import java.util.Collection;
import java.util.function.Function;

/**
 * One parameter under an unstructured mask: its names, shape, exact active count, its 0/1 mask on
 * every device that holds a copy, and the entries ever active.
 *
 * <p>A tensor has no mask until a policy installs one (a pruning schedule before its first event,
 * a layer SViTE keeps dense); the engine's optimizer masks only tensors that have one. Masks have
 * the weight's shape and data type; every rewrite replaces all device copies with the same values.
 * The ever-active set is a boolean array, or null while every entry counts as ever active (a
 * pruning run that started dense: masks only shrink there, so "ever active" is the start).
 *
 * <p>Every rewrite also adds the entries it switched off and on to a pair of counters on the
 * device ({@link #changeCounts}), so the engine's timeline learns what an update changed without
 * copying masks to the host.
 */
public final class MaskedTensor {

    private final String djlName;
    private final String display;
    private final String layer;
    private final Parameter parameter;
    private final Shape shape;
    private long active;
    private final DeviceMasks masks = new DeviceMasks();
    private NDArray everActive;
    private NDArray changes;

    /**
     * A tensor with every entry active and no mask yet.
     *
     * @param djlName the parameter's name in {@code Block.getParameters()}
     * @param display its readable name, unique in the model ({@code block0_attn_qkv_weight})
     * @param layer the layer it belongs to ({@code block0_attn_qkv})
     * @param parameter the parameter
     * @param shape its shape
     */
    public MaskedTensor(String djlName, String display, String layer, Parameter parameter, Shape shape) {
        this.djlName = djlName;
        this.display = display;
        this.layer = layer;
        this.parameter = parameter;
        this.shape = shape;
        this.active = shape.size();
    }

    /**
     * The parameter's name in {@code Block.getParameters()}.
     *
     * @return the DJL name
     */
    public String djlName() {
        return djlName;
    }

    /**
     * The readable name, unique in the model.
     *
     * @return e.g. {@code block0_attn_qkv_weight}
     */
    public String display() {
        return display;
    }

    /**
     * The parameter.
     *
     * @return the parameter
     */
    public Parameter parameter() {
        return parameter;
    }

    /**
     * The shape.
     *
     * @return the weight's shape
     */
    public Shape shape() {
        return shape;
    }

    /**
     * The number of entries.
     *
     * @return the size
     */
    public long size() {
        return shape.size();
    }

    /**
     * The exact number of active entries (the size while unmasked).
     *
     * @return the count
     */
    public long active() {
        return active;
    }

    /**
     * Records the active count after a policy changed the mask.
     *
     * @param count the new count, in [0, size]
     */
    public void setActive(long count) {
        if (count < 0 || count > size()) {
            throw new IllegalStateException("active count " + count + " outside [0, " + size() + "] for " + display);
        }
        active = count;
    }

    /**
     * Whether a mask is installed (the optimizer masks only then).
     *
     * @return true once a policy installed a mask
     */
    public boolean masked() {
        return !masks.isEmpty();
    }

    /**
     * The mask on a device, copied there from an existing copy the first time.
     *
     * @param device the device
     * @param managers the state manager of each device
     * @return the mask, or null while unmasked
     */
    public NDArray maskOn(Device device, Function<Device, NDManager> managers) {
        return masks.on(device, managers);
    }

    /**
     * Any copy of the mask, for reading (reports, checkpoints).
     *
     * @return a copy, or null while unmasked
     */
    public NDArray anyMask() {
        return masks.any();
    }

    /**
     * Installs the first mask and the ever-active set, both owned by {@code manager}; the active
     * count is the caller's to set.
     *
     * @param mask the 0/1 mask, in the weight's data type
     * @param ever the entries ever active (booleans), or null for "every entry"
     * @param manager their owner
     */
    public void install(NDArray mask, NDArray ever, NDManager manager) {
        mask.attach(manager);
        masks.install(mask);
        replaceEverActive(ever, manager);
        createCounts(manager, mask.getDevice());
    }

    /**
     * Replaces the mask on every device that has one, and on {@code devices}, with the values of
     * {@code mask}; the copy on {@code mask}'s own device takes ownership of {@code mask}.
     *
     * @param mask the new 0/1 mask, in the weight's data type
     * @param devices devices that must hold a copy
     * @param managers the state manager of each device
     */
    public void replaceMasks(NDArray mask, Collection<Device> devices, Function<Device, NDManager> managers) {
        NDArray old = masks.any();
        NDManager manager = managers.apply(mask.getDevice());
        if (old == null) {
            createCounts(manager, mask.getDevice());
        } else {
            count(old, mask, manager);
        }
        masks.replace(mask, devices, managers);
    }

    private void createCounts(NDManager manager, Device device) {
        if (changes == null) {
            changes = manager.zeros(new Shape(2), DataType.INT64, device);
        }
    }

    /** Adds the entries {@code next} switches off and on relative to {@code old} to the counters, on the device. */
    private void count(NDArray old, NDArray next, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray before = Tensors.scoped(scope, Tensors.onDevice(old, next.getDevice(), scope).gt(0.5f));
            NDArray after = Tensors.scoped(scope, next.gt(0.5f));
            NDArray off = Tensors.scoped(scope, before.logicalAnd(Tensors.scoped(scope, after.logicalNot())));
            NDArray on = Tensors.scoped(scope, after.logicalAnd(Tensors.scoped(scope, before.logicalNot())));
            NDArray pair = Tensors.scoped(scope, Tensors.scoped(scope, off.countNonzero().reshape(1))
                    .concat(Tensors.scoped(scope, on.countNonzero().reshape(1))));
            NDArray typed = Tensors.scoped(scope, pair.toType(DataType.INT64, false));
            NDArray here = Tensors.onDevice(typed, changes.getDevice(), scope);
            changes.addi(here);
        }
    }

    /**
     * The entries switched off and on by every rewrite since the mask was installed, as a device
     * array (pruned, grown) of int64 that belongs to the tensor: read it, do not change or close
     * it. The counts only grow; the engine's timeline keeps the last values it read.
     *
     * @return the counters, or null while unmasked
     */
    public NDArray changeCounts() {
        return changes;
    }

    /**
     * The entries ever active.
     *
     * @return booleans of the weight's shape, or null while every entry counts as ever active
     */
    public NDArray everActive() {
        return everActive;
    }

    /**
     * Replaces the ever-active set; the old one is closed.
     *
     * @param ever the new set (booleans), or null for "every entry"
     * @param manager its owner
     */
    public void replaceEverActive(NDArray ever, NDManager manager) {
        if (ever != null) {
            ever.attach(manager);
        }
        NDArray old = everActive;
        everActive = ever;
        if (old != null && old != ever) {
            old.close();
        }
    }

    /**
     * The tensor's line of a sparsity report (reads the ever-active count from the device).
     *
     * @return the layer's sparsity
     */
    public LayerSparsity report() {
        long ever = everActive == null ? size() : Tensors.nonZeros(everActive);
        return new LayerSparsity(layer, display, shape.getShape(), size(), active, ever);
    }

    /**
     * The tensor as an entry of a mask file (dense, without arrays, while unmasked).
     *
     * @param scope owns the all-true ever-active set made for a tensor that has none
     * @return the entry
     */
    public MaskCheckpoint.Tensor checkpointEntry(NDManager scope) {
        NDArray mask = anyMask();
        if (mask == null) {
            return new MaskCheckpoint.Tensor(display, shape, active, null, null);
        }
        NDArray ever = everActive != null ? everActive : scope.ones(shape, ai.djl.ndarray.types.DataType.BOOLEAN, mask.getDevice());
        return new MaskCheckpoint.Tensor(display, shape, active, mask, ever);
    }
}
