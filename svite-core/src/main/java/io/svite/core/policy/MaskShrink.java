package io.svite.core.policy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Computes the masks of one pruning event on the device: among the entries kept so far, the ones
 * with the lowest scores are dropped, exactly as many as asked (ties are broken by {@code topK}, so
 * the count is exact whatever the scores).
 *
 * <p>Entries already pruned score −∞, so they are always among the dropped: a mask only shrinks.
 * Every array is created in the scope the caller closes.
 */
final class MaskShrink {

    private MaskShrink() {}

    /**
     * One threshold over several tensors: their scores are ranked together and the {@code prune}
     * lowest (counting the entries already pruned) become 0.
     *
     * @param scope where every result lands
     * @param scores one score array per tensor, each attached to {@code scope}
     * @param masks the current 0/1 mask per tensor, or null for a tensor with nothing pruned yet
     * @param prune how many entries are pruned over all tensors after the event, at least the
     *     number pruned already, less than the total
     * @return the new 0/1 masks, each with its tensor's shape and the scores' data type
     */
    static List<NDArray> global(NDManager scope, List<NDArray> scores, List<NDArray> masks, long prune) {
        List<Shape> shapes = new ArrayList<>();
        NDList flat = new NDList();
        for (int i = 0; i < scores.size(); i++) {
            shapes.add(scores.get(i).getShape());
            flat.add(onlyKept(scope, scores.get(i), masks.get(i)));
        }
        NDArray all = flat.size() == 1 ? flat.head() : NDArrays.concat(flat);
        NDArray keep = dropLowest(scope, all, prune);
        List<NDArray> out = new ArrayList<>();
        long offset = 0;
        for (Shape shape : shapes) {
            long n = shape.size();
            out.add(keep.get(new NDIndex(offset + ":" + (offset + n))).reshape(shape));
            offset += n;
        }
        return out;
    }

    /**
     * One tensor on its own: the {@code prune} lowest scores (counting the entries already pruned)
     * become 0.
     *
     * @param scope where every result lands
     * @param score the scores, attached to {@code scope}
     * @param mask the current 0/1 mask, or null with nothing pruned yet
     * @param prune entries pruned after the event, at least those pruned already, less than the size
     * @return the new 0/1 mask with the tensor's shape
     */
    static NDArray layer(NDManager scope, NDArray score, NDArray mask, long prune) {
        return dropLowest(scope, onlyKept(scope, score, mask), prune).reshape(score.getShape());
    }

    /** The scores, flattened, with −∞ where the mask is 0. */
    private static NDArray onlyKept(NDManager scope, NDArray score, NDArray mask) {
        NDArray s = score.reshape(-1);
        if (mask == null) {
            return s;
        }
        NDArray m = mask.getManager() == scope ? mask : scoped(scope, mask.reshape(-1));
        return NDArrays.where(
                m.reshape(-1).gt(0.5f),
                s,
                scope.full(s.getShape(), Float.NEGATIVE_INFINITY, s.getDataType(), s.getDevice()));
    }

    /** 1 everywhere except at the {@code prune} lowest entries of a flat score vector. */
    private static NDArray dropLowest(NDManager scope, NDArray flat, long prune) {
        DataType type = flat.getDataType();
        Device device = flat.getDevice();
        NDArray ones = scope.ones(flat.getShape(), type, device);
        if (prune == 0) {
            return ones;
        }
        int k = Math.toIntExact(prune);
        NDArray at = flat.topK(k, 0, false, false).get(1);
        return ones.put(at, scope.zeros(new Shape(k), type, device));
    }

    private static NDArray scoped(NDManager scope, NDArray array) {
        array.attach(scope);
        return array;
    }
}
