package io.svite.core.policy;

import io.svite.core.criteria.GrowCriterion;
import io.svite.core.criteria.PruneCriterion;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * One prune-and-grow rewrite of one layer's mask, computed on the device.
 *
 * <p>With M the current mask and r the number to replace: the r active entries with the lowest
 * prune score are switched off; then, among all inactive entries (including those just switched
 * off), the r with the highest grow score are switched on. The active count is unchanged. An
 * entry switched off and back on in the same rewrite is neither pruned nor grown: its weight and
 * optimizer state are kept (as in RigL and the reference code). Every array is created in the
 * scope, which the caller closes.
 */
final class MaskRewrite {

    /**
     * The rewritten mask and the entries that changed, all with the weight's shape.
     *
     * @param mask the new 0/1 mask
     * @param kept 1 where the entry was active before and after
     * @param pruned 1 where an active entry became inactive
     * @param grown 1 where an inactive entry became active
     */
    record Outcome(NDArray mask, NDArray kept, NDArray pruned, NDArray grown) {}

    private MaskRewrite() {}

    /**
     * Computes the rewrite.
     *
     * @param scope the manager every result lands in
     * @param mask the current mask (left unchanged)
     * @param weight the weight on the same device (left unchanged)
     * @param gradient the dense gradient, attached to {@code scope}
     * @param replace r, between 1 and the number of active entries
     * @param prune the prune criterion
     * @param grow the grow criterion
     * @return the outcome
     */
    static Outcome rewrite(
            NDManager scope,
            NDArray mask,
            NDArray weight,
            NDArray gradient,
            long replace,
            PruneCriterion prune,
            GrowCriterion grow) {
        Shape shape = weight.getShape();
        NDArray w = scoped(scope, weight.reshape(shape));
        NDArray pruneScore = scoped(scope, prune.score(w, gradient));
        NDArray growScore = scoped(scope, grow.score(w, gradient));
        return rewrite(scope, mask, pruneScore, growScore, replace);
    }

    /**
     * Computes a rewrite from given scores (any shape, the mask's).
     *
     * @param scope the manager every result lands in
     * @param mask the current 0/1 mask (left unchanged)
     * @param pruneScore the prune score of every entry (only active entries are compared)
     * @param growScore the grow score of every entry (only inactive ones, including the just
     *     pruned, are compared)
     * @param replace r, between 1 and the number of active entries
     * @return the outcome, with the mask's shape and data type
     */
    static Outcome rewrite(NDManager scope, NDArray mask, NDArray pruneScore, NDArray growScore, long replace) {
        return rewrite(scope, mask, pruneScore, growScore, replace, false);
    }

    /**
     * Computes a rewrite from given scores, optionally without letting the just-pruned entries
     * grow back (then r must not exceed the number of entries inactive before the rewrite).
     *
     * @param scope the manager every result lands in
     * @param mask the current 0/1 mask (left unchanged)
     * @param pruneScore the prune score of every entry
     * @param growScore the grow score of every entry
     * @param replace r
     * @param excludePruned true to grow only among entries that were inactive before the rewrite
     * @return the outcome
     */
    static Outcome rewrite(
            NDManager scope, NDArray mask, NDArray pruneScore, NDArray growScore, long replace, boolean excludePruned) {
        Shape shape = mask.getShape();
        Device device = mask.getDevice();
        DataType type = mask.getDataType();
        int r = Math.toIntExact(replace);
        NDArray m = scoped(scope, mask.reshape(-1));
        NDArray prune = scoped(scope, pruneScore.reshape(-1));
        Shape flat = m.getShape();
        NDArray onlyActive =
                NDArrays.where(m.gt(0.5f), prune, scope.full(flat, Float.POSITIVE_INFINITY, prune.getDataType(), device));
        NDArray pruneAt = onlyActive.topK(r, 0, false, false).get(1);
        NDArray afterPrune = m.put(pruneAt, scope.zeros(new Shape(r), type, device));

        NDArray grow = scoped(scope, growScore.reshape(-1));
        NDArray onlyInactive =
                NDArrays.where(
                        (excludePruned ? m : afterPrune).gt(0.5f),
                        scope.full(flat, Float.NEGATIVE_INFINITY, grow.getDataType(), device),
                        grow);
        NDArray growAt = onlyInactive.topK(r, 0, true, false).get(1);
        NDArray next = afterPrune.put(growAt, scope.ones(new Shape(r), type, device)).reshape(shape);

        NDArray before = m.reshape(shape);
        NDArray kept = before.mul(next);
        return new Outcome(next, kept, before.sub(kept), next.sub(kept));
    }

    private static NDArray scoped(NDManager scope, NDArray array) {
        if (array.getManager() != scope) {
            array.attach(scope);
        }
        return array;
    }
}
