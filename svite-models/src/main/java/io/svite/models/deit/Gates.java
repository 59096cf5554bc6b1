package io.svite.models.deit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;

import java.util.function.UnaryOperator;

/**
 * Builds the 0/1 gate parameters of the structured units (heads, MLP neurons).
 *
 * <p>A gate is a {@link Parameter} of type {@code OTHER} initialised to 1 and <em>frozen</em> by
 * default: a plain DJL optimizer never moves it and no gradient is computed for it. A sparsity
 * engine that needs the gate's gradient (the first-order Taylor score of the unit) unfreezes it and
 * is then responsible for never letting an optimizer change it.
 */
public final class Gates {

    private Gates() {}

    /**
     * Creates a gate with one entry per unit, all ones.
     *
     * @param name the parameter's name
     * @param units number of units
     * @return a frozen gate parameter of shape (units)
     */
    public static Parameter create(String name, int units) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(units))
                .optInitializer(new ConstantInitializer(1f))
                .optRequiresGrad(false)
                .build();
    }

    /**
     * Reshapes a gate for broadcasting against an activation without leaking: the view is moved to
     * the activation's manager, so it is freed with the batch rather than kept by the model.
     *
     * @param gate the gate's value on the activation's device, shape (units)
     * @param activation the activation the gate will multiply
     * @param shape the broadcast shape, e.g. (units, 1, 1)
     * @return the reshaped gate, attached to the activation's manager
     */
    static NDArray broadcastable(NDArray gate, NDArray activation, Shape shape) {
        NDArray view = gate.reshape(shape);
        view.attach(activation.getManager());
        return view;
    }

    /**
     * The dimensions a block reads and its input gate applied to an activation: x[..., I] ⊙ u.
     *
     * @param ps the parameter store
     * @param x the activation (B, N, D)
     * @param inputs the dimensions I read, or null for all
     * @param gate the input gate u (|I|), or null
     * @param training whether this is a training pass
     * @return the gathered and gated activation (B, N, |I|)
     */
    static NDArray gatherAndGate(
            ai.djl.training.ParameterStore ps, NDArray x, long[] inputs, Parameter gate, boolean training) {
        NDArray out = x;
        if (inputs != null) {
            NDArray idx = x.getManager().create(inputs).toDevice(x.getDevice(), false);
            out = out.get(new ai.djl.ndarray.index.NDIndex(":, :, {}", idx));
        }
        if (gate != null) {
            out = out.mul(ps.getValue(gate, x.getDevice(), training));
        }
        return out;
    }

    /**
     * Moves an array derived from a parameter to an activation's manager, so it is freed with the
     * batch rather than kept by the model.
     *
     * @param derived an array an operation on a parameter's value returned
     * @param activation the activation of the pass
     * @return {@code derived}, now attached to the activation's manager
     */
    static NDArray onBatch(NDArray derived, NDArray activation) {
        derived.attach(activation.getManager());
        return derived;
    }

    /**
     * Moves an array to a manager, for a branch of a pass whose intermediates are freed early.
     *
     * @param array the array
     * @param manager its new owner
     * @return {@code array}
     */
    static NDArray into(NDArray array, NDManager manager) {
        array.attach(manager);
        return array;
    }

    /**
     * Adds to a block's output the closed units' term of a score pass: computed from the block's
     * input cut from the graph, in a scratch manager closed before returning, so autograd keeps only
     * what the gates' gradients need and DJL frees the rest at once instead of at the end of the step.
     *
     * @param y the active units' output (B, N, D)
     * @param read the block's input (B, N, D′); the branch gets it detached, owned by the scratch
     * @param branch computes the closed units' term (B, N, D) from the detached input; arrays it
     *     derives from parameters belong on the input's manager ({@link #onBatch})
     * @return y + the term
     */
    static NDArray plusDetachedBranch(NDArray y, NDArray read, UnaryOperator<NDArray> branch) {
        try (NDManager scratch = y.getManager().newSubManager()) {
            NDArray term = branch.apply(into(read.stopGradient(), scratch));
            return y.add(into(term, y.getManager()));
        }
    }

    /**
     * Rows of a parameter's value, gathered for one pass: w[idx] (along the first axis).
     *
     * @param value a weight (R, C) or a vector (R)
     * @param idx row indices, int64 on the value's device
     * @param activation the activation of the pass, whose manager owns the result
     * @return (|idx|, C) or (|idx|)
     */
    static NDArray rows(NDArray value, NDArray idx, NDArray activation) {
        return onBatch(value.get(new ai.djl.ndarray.index.NDIndex("{}", idx)), activation);
    }

    /**
     * Columns of a weight's value, gathered for one pass: w[:, idx].
     *
     * @param value a weight (R, C)
     * @param idx column indices, int64 on the value's device
     * @param activation the activation of the pass, whose manager owns the result
     * @return (R, |idx|)
     */
    static NDArray columns(NDArray value, NDArray idx, NDArray activation) {
        return onBatch(value.get(new ai.djl.ndarray.index.NDIndex(":, {}", idx)), activation);
    }

    static long[] indices(java.util.List<Integer> inputs) {
        if (inputs == null) {
            return null;
        }
        long[] out = new long[inputs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = inputs.get(i);
        }
        return out;
    }

    static java.util.List<Integer> list(long[] inputs) {
        if (inputs == null) {
            return null;
        }
        java.util.List<Integer> out = new java.util.ArrayList<>(inputs.length);
        for (long i : inputs) {
            out.add((int) i);
        }
        return java.util.Collections.unmodifiableList(out);
    }
}
