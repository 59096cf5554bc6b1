package io.svite.core.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * One-shot salience of structured units, for pruning a trained model once (structured salience
 * pruning) rather than during training as the {@code SparseTrainer} does.
 *
 * <ul>
 *   <li>{@link #weightL1}: Σ |w| over each unit's entries in the group's weight slices (biases
 *       excluded), e.g. ‖W1[j,:]‖₁ + ‖W2[:,j]‖₁ for an MLP neuron and the q, k, v rows plus the proj
 *       columns of a head — the same norm as {@link UnitCriterion#weightL1()};
 *   <li>{@link #gateTaylor}: |g ⊙ ∂L/∂g| of the group's gate after one backward pass, to be summed
 *       over batches by the caller (the first-order Taylor estimate of the loss change of removing
 *       each unit);
 *   <li>{@link #keep} and {@link #setGate}: the highest-scoring units of a group and the 0/1 gate
 *       that keeps exactly them.
 * </ul>
 */
public final class UnitScores {

    private UnitScores() {}

    /**
     * The L1 norm of every unit's weights.
     *
     * @param group the group, whose parameters hold values
     * @param scope where the result and temporaries live (its device is used)
     * @return shape (units), float32, in {@code scope}
     */
    public static NDArray weightL1(UnitGroup group, NDManager scope) {
        NDArray sum = scope.zeros(new Shape(group.units()), DataType.FLOAT32, scope.getDevice());
        for (List<UnitSlice> slices : List.of(group.inputs(), group.outputs())) {
            for (UnitSlice s : slices) {
                if (s.parameter().getType() != Parameter.Type.WEIGHT) {
                    continue;
                }
                NDArray w = s.parameter().getArray();
                if (!w.getDevice().equals(scope.getDevice())) {
                    w = w.toDevice(scope.getDevice(), false);
                    w.attach(scope);
                }
                if (w.getShape().dimension() < 2) {
                    continue;
                }
                NDArray part = s.unitL1(w, group.units(), scope).toType(DataType.FLOAT32, false);
                part.attach(scope);
                sum = sum.add(part);
                sum.attach(scope);
            }
        }
        return sum;
    }

    /**
     * The Taylor score |g ⊙ ∂L/∂g| of a group's gate after a backward pass, then zeroes the gate's
     * gradient (gradients accumulate across backward passes), so the next pass scores its own batch.
     *
     * @param group the group, whose gate requires a gradient and has one
     * @param scope where the result lives
     * @return shape (units), in {@code scope}
     * @throws IllegalStateException if the gate has no gradient (it was not unfrozen before the
     *     forward pass)
     */
    public static NDArray gateTaylor(UnitGroup group, NDManager scope) {
        NDArray gate = group.gate().getArray();
        if (!gate.hasGradient()) {
            throw new IllegalStateException(
                    "gate " + group.gate().getName() + " of " + group.name() + " has no gradient; unfreeze it before the"
                            + " forward pass");
        }
        try (NDArray g = gate.getGradient()) {
            NDArray product = g.mul(gate);
            product.attach(scope);
            NDArray score = product.abs();
            score.attach(scope);
            g.subi(g);
            return score;
        }
    }

    /**
     * The {@code count} units with the highest scores, ties going to the lower index, in increasing
     * index order.
     *
     * @param scores one score per unit (NaN is refused)
     * @param count how many to keep, in [1, scores.length]
     * @return the kept indices, increasing
     * @throws IllegalArgumentException for a count out of range or a NaN score
     */
    public static List<Integer> keep(float[] scores, int count) {
        if (count < 1 || count > scores.length) {
            throw new IllegalArgumentException("can keep 1 to " + scores.length + " units, not " + count);
        }
        List<Integer> order = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            if (Float.isNaN(scores[i])) {
                throw new IllegalArgumentException("the score of unit " + i + " is NaN");
            }
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
        List<Integer> kept = new ArrayList<>(order.subList(0, count));
        Collections.sort(kept);
        return kept;
    }

    /**
     * Sets a group's gate to 1 at the kept units and 0 elsewhere, in place on every device copy's
     * source array.
     *
     * @param group the group, whose gate holds a value
     * @param kept the indices to keep, each in [0, units)
     * @throws IllegalArgumentException for an index out of range
     */
    public static void setGate(UnitGroup group, List<Integer> kept) {
        float[] values = new float[group.units()];
        for (int i : kept) {
            if (i < 0 || i >= values.length) {
                throw new IllegalArgumentException(
                        "unit " + i + " is outside group " + group.name() + " of " + values.length + " units");
            }
            values[i] = 1f;
        }
        NDArray gate = group.gate().getArray();
        if (gate.getDataType() == DataType.FLOAT32) {
            gate.set(FloatBuffer.wrap(values));
            return;
        }
        try (NDManager scope = NDManager.subManagerOf(gate)) {
            NDArray v = scope.create(values).toType(gate.getDataType(), false);
            v.attach(scope);
            gate.set(new ai.djl.ndarray.index.NDIndex(":"), v);
        }
    }
}
