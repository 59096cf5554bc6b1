package io.svite.core.engine;

import io.svite.core.ndarray.Tensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A snapshot of a model's pruning masks, on the device, to start another run from: one boolean
 * array per selected tensor, keyed by the tensor's display name ({@code block0_attn_qkv_weight}).
 *
 * <p>Made by {@code SparseRun.masks()} (e.g. at the end of a dense phase that pruned once) and
 * given to {@code SparseTrainer.Builder.startFrom} for the next phase (fine-tuning with the mask
 * fixed). The arrays belong to this set and live until it is closed, or until the model's manager
 * closes; a run that starts from the set copies them, so the set can be closed once that run's
 * trainer exists.
 */
public final class MaskSet implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> masks;

    MaskSet(NDManager manager, Map<String, NDArray> masks) {
        this.manager = manager;
        this.masks = Collections.unmodifiableMap(new LinkedHashMap<>(masks));
    }

    /**
     * Boolean copies of masked tensors' masks (all true for a tensor without one yet).
     *
     * @param tensors the tensors
     * @param parent the manager the set's own manager is made under
     * @return the set, owning its arrays
     */
    public static MaskSet copyOf(List<MaskedTensor> tensors, NDManager parent) {
        NDManager manager = parent.newSubManager();
        Map<String, NDArray> out = new LinkedHashMap<>();
        try {
            for (MaskedTensor t : tensors) {
                NDArray mask = t.anyMask();
                NDArray copy =
                        mask == null
                                ? manager.ones(t.shape(), DataType.BOOLEAN, t.parameter().getArray().getDevice())
                                : mask.toType(DataType.BOOLEAN, true);
                copy.attach(manager);
                out.put(t.display(), copy);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new MaskSet(manager, out);
    }

    /**
     * The tensors this set has a mask for, in model order.
     *
     * @return display names
     */
    public Set<String> names() {
        return masks.keySet();
    }

    /**
     * The mask of one tensor: a boolean array of the tensor's shape, true where the entry is kept.
     * It belongs to this set: read it, do not close or change it.
     *
     * @param name the tensor's display name
     * @return the mask
     * @throws IllegalArgumentException if the set has no such tensor
     */
    public NDArray mask(String name) {
        NDArray m = masks.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no mask for '" + name + "'; masks exist for " + masks.keySet());
        }
        return m;
    }

    /**
     * The shape of one tensor's mask.
     *
     * @param name the tensor's display name
     * @return its shape
     */
    public Shape shape(String name) {
        return mask(name).getShape();
    }

    /**
     * Entries over all masks.
     *
     * @return Σ size
     */
    public long size() {
        return masks.values().stream().mapToLong(NDArray::size).sum();
    }

    /**
     * Kept entries over all masks (read from the device).
     *
     * @return Σ kept
     */
    public long nonZeros() {
        long n = 0;
        for (NDArray m : masks.values()) {
            n += Tensors.nonZeros(m);
        }
        return n;
    }

    /**
     * The overall sparsity of the masks.
     *
     * @return 1 − kept / entries
     */
    public double sparsity() {
        return 1 - (double) nonZeros() / size();
    }

    /** Frees the arrays. */
    @Override
    public void close() {
        manager.close();
    }
}
