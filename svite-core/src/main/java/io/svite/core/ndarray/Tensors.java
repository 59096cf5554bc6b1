package io.svite.core.ndarray;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Small array operations the engine repeats: counting non-zeros without leaving arrays behind,
 * copies to a device owned by a scope.
 */
public final class Tensors {

    private Tensors() {}

    /**
     * Non-zero entries, read to the host; every temporary lives in a sub-manager of the array's
     * own manager that is closed before returning (reports and checkpoints only, never per step).
     *
     * @param array any array
     * @return the number of entries that are not 0
     */
    public static long nonZeros(NDArray array) {
        try (NDManager scope = array.getManager().newSubManager()) {
            NDArray nonZero = temporary(array, array.toType(DataType.BOOLEAN, false), scope);
            NDArray sum = temporary(array, nonZero.sum(), scope);
            return temporary(array, sum.toType(DataType.INT64, false), scope).getLong();
        }
    }

    /**
     * The array on a device: itself if it is there already, else a copy attached to the scope.
     *
     * @param array the array
     * @param device the device
     * @param scope the owner of a copy
     * @return the array or its copy
     */
    public static NDArray onDevice(NDArray array, Device device, NDManager scope) {
        if (array.getDevice().equals(device)) {
            return array;
        }
        NDArray copy = array.toDevice(device, true);
        copy.attach(scope);
        return copy;
    }

    /**
     * Attaches an array to a scope and returns it.
     *
     * @param scope the new owner
     * @param array the array
     * @return the array
     */
    public static NDArray scoped(NDManager scope, NDArray array) {
        if (array.getManager() != scope) {
            array.attach(scope);
        }
        return array;
    }

    /** Moves an op's result into the scope, unless the op returned its (persistent) input itself. */
    private static NDArray temporary(NDArray input, NDArray result, NDManager scope) {
        if (result != input) {
            result.attach(scope);
        }
        return result;
    }
}
