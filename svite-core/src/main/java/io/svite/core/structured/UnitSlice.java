package io.svite.core.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * The entries of one parameter that belong to the units of a group, along one axis.
 *
 * <p>Along {@code axis} the parameter has {@code parts · units · width} entries laid out as
 * [part][unit][width]: unit u owns, in every part p, the {@code width} consecutive entries that
 * start at {@code p · units · width + u · width}; every entry along the other axes goes with it.
 * Examples, for H heads of dimension d and M neurons:
 *
 * <pre>
 *   qkv weight (3·H·d, D)   axis 0, parts 3, width d   the q, k and v rows of each head
 *   qkv bias   (3·H·d)      axis 0, parts 3, width d
 *   proj weight (D, H·d)    axis 1, parts 1, width d   the columns that read each head
 *   fc1 weight (M, D)       axis 0, parts 1, width 1   row j feeds neuron j; fc1 bias likewise
 *   fc2 weight (D, M)       axis 1, parts 1, width 1   column j reads neuron j
 * </pre>
 *
 * @param parameter the parameter
 * @param axis the axis along which the units lie, ≥ 0
 * @param parts how many times the units repeat along the axis, ≥ 1
 * @param width entries per unit in each part, ≥ 1
 */
public record UnitSlice(Parameter parameter, int axis, int parts, int width) {

    /** Checks the values. */
    public UnitSlice {
        if (parameter == null) {
            throw new IllegalArgumentException("a unit slice needs a parameter");
        }
        if (axis < 0 || parts < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "unit slice of " + parameter.getName() + " needs axis >= 0, parts >= 1 and width >= 1, got axis "
                            + axis + ", parts " + parts + ", width " + width);
        }
    }

    /**
     * A slice with one entry per unit along an axis (fc1 rows, fc2 columns).
     *
     * @param parameter the parameter
     * @param axis the axis
     * @return the slice
     */
    public static UnitSlice of(Parameter parameter, int axis) {
        return new UnitSlice(parameter, axis, 1, 1);
    }

    /**
     * The parameter's shape: the declared one, else its array's.
     *
     * @return the shape
     * @throws IllegalStateException if the parameter has neither yet
     */
    public Shape shape() {
        if (parameter.getShape() != null) {
            return parameter.getShape();
        }
        if (parameter.isInitialized()) {
            return parameter.getArray().getShape();
        }
        throw new IllegalStateException("parameter " + parameter.getName() + " has no shape yet; initialise the block first");
    }

    /**
     * The shape with the unit axis split into (parts, units, width): per-unit reductions sum over
     * every axis but {@code axis + 1}.
     *
     * @param shape the parameter's shape
     * @param units the group's unit count
     * @return the split shape
     */
    public Shape split(Shape shape, int units) {
        long[] dims = shape.getShape();
        long[] out = new long[dims.length + 2];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i == axis) {
                out[j++] = parts;
                out[j++] = units;
                out[j++] = width;
            } else {
                out[j++] = dims[i];
            }
        }
        return new Shape(out);
    }

    /**
     * Checks that the parameter's shape fits {@code units} units.
     *
     * @param shape the parameter's shape
     * @param units the group's unit count
     * @param group the group's name, for the message
     * @throws IllegalArgumentException if the axis is missing or has the wrong length
     */
    public void check(Shape shape, int units, String group) {
        if (axis >= shape.dimension()) {
            throw new IllegalArgumentException(
                    "unit group " + group + ": parameter " + parameter.getName() + " has shape " + shape
                            + ", which has no axis " + axis);
        }
        long expected = (long) parts * units * width;
        if (shape.get(axis) != expected) {
            throw new IllegalArgumentException(
                    "unit group " + group + ": parameter " + parameter.getName() + " has " + shape.get(axis)
                            + " entries along axis " + axis + " but " + parts + " parts × " + units + " units × width "
                            + width + " = " + expected + " were declared");
        }
    }

    /**
     * Σ |w| per unit of this slice of a weight: the weight is split along the slice's axis into
     * (parts, units, width) and summed over everything but the unit axis.
     *
     * @param weight the parameter's array (or a copy of it on any device)
     * @param units the group's units
     * @param scope the manager every temporary and the result land in
     * @return (units), in the weight's data type
     */
    public NDArray unitL1(NDArray weight, int units, NDManager scope) {
        NDArray split = weight.reshape(split(weight.getShape(), units));
        split.attach(scope);
        int unitAxis = axis + 1;
        int[] others = new int[split.getShape().dimension() - 1];
        for (int i = 0, j = 0; i < split.getShape().dimension(); i++) {
            if (i != unitAxis) {
                others[j++] = i;
            }
        }
        NDArray abs = split.abs();
        abs.attach(scope);
        NDArray sum = abs.sum(others);
        sum.attach(scope);
        return sum;
    }
}
