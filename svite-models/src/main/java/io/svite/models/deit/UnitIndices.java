package io.svite.models.deit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The rows and columns a block gathers to compute only some of its units, on one device.
 *
 * <p>For U units of width w laid out in P parts along a weight's rows ([part 0 units | part 1
 * units | …], as qkv's q, k and v) and in one part along the next layer's columns, the units S
 * (increasing) read
 *
 * <pre>
 *   rows(S) = [ (p·U + u)·w + j  for p in 0..P−1, u in S, j in 0..w−1 ]   (P·|S|·w)
 *   cols(S) = [ u·w + j          for u in S, j in 0..w−1 ]                 (|S|·w)
 * </pre>
 *
 * so the gathered rows keep the layout of the full weight with U replaced by |S|. Built once per
 * change of the active set, never per step; every array belongs to the manager of the engine's
 * indices.
 *
 * @param active the active units S, int64 (k)
 * @param inactive the other units, int64 (U − k)
 * @param activeRows rows(active)
 * @param inactiveRows rows(inactive)
 * @param activeCols cols(active)
 * @param inactiveCols cols(inactive)
 * @param scoreInactive whether the passes also compute the inactive units for their gate gradients
 */
record UnitIndices(
        NDArray active,
        NDArray inactive,
        NDArray activeRows,
        NDArray inactiveRows,
        NDArray activeCols,
        NDArray inactiveCols,
        boolean scoreInactive) {

    /**
     * The indices of a split of U units into active and inactive ones.
     *
     * @param active active units, int64 on the device
     * @param inactive inactive units, int64 on the device
     * @param units U
     * @param parts P, the parts of the rows (3 for qkv, 1 for fc1)
     * @param width w, the rows or columns per unit (d for heads, 1 for neurons)
     * @param scoreInactive whether the inactive units are also computed
     * @return the gathered indices, in the manager of {@code active}
     */
    static UnitIndices of(NDArray active, NDArray inactive, int units, int parts, int width, boolean scoreInactive) {
        return new UnitIndices(
                active,
                inactive,
                expand(active, units, parts, width),
                expand(inactive, units, parts, width),
                expand(active, units, 1, width),
                expand(inactive, units, 1, width),
                scoreInactive);
    }

    private static NDArray expand(NDArray units, int count, int parts, int width) {
        if (parts == 1 && width == 1) {
            return units;
        }
        NDManager owner = units.getManager();
        try (NDManager tmp = owner.newSubManager()) {
            long k = units.getShape().get(0);
            NDArray partOffsets = tmp.arange(0, parts, 1, DataType.INT64).mul(count).reshape(new Shape(parts, 1, 1));
            NDArray within = tmp.arange(0, width, 1, DataType.INT64).reshape(new Shape(1, 1, width));
            NDArray base = units.reshape(new Shape(1, k, 1));
            base.attach(tmp);
            NDArray rows = base.add(partOffsets).mul(width).add(within).reshape(new Shape(-1));
            rows.attach(owner);
            return rows;
        }
    }
}
