package io.svite.core.structured;

import ai.djl.nn.Parameter;

import java.util.List;

/**
 * A group of structured units that share a budget, e.g. the heads of one attention block or the
 * neurons of one MLP, as a model declares it to the {@code SparseTrainer}.
 *
 * <p>The model multiplies each unit's output by its entry of {@code gate} (shape (units)), so a
 * gate of 0 removes the unit exactly and ∂L/∂g_u is the unit's first-order Taylor score. The
 * {@code inputs} are the slices that compute the unit (their weights' L1 norm is a prune score;
 * an optimizer's state on them is reset when the unit changes); the {@code outputs} are the slices
 * that read the unit: they are set to exactly 0 when the unit is grown, so the network's function
 * does not jump.
 *
 * @param name a name unique within the model, e.g. {@code block0_attn_heads}
 * @param family the kind of unit
 * @param gate the gate parameter, shape (units), values 0 or 1
 * @param units how many units the group has, ≥ 1
 * @param inputs the slices that compute the units
 * @param outputs the slices that read the units, at least one
 */
public record UnitGroup(
        String name, UnitFamily family, Parameter gate, int units, List<UnitSlice> inputs, List<UnitSlice> outputs) {

    /** Checks the values and copies the lists. */
    public UnitGroup {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a unit group needs a name");
        }
        if (family == null || gate == null) {
            throw new IllegalArgumentException("unit group " + name + " needs a family and a gate");
        }
        if (units < 1) {
            throw new IllegalArgumentException("unit group " + name + " needs at least one unit, got " + units);
        }
        inputs = List.copyOf(inputs == null ? List.of() : inputs);
        outputs = List.copyOf(outputs == null ? List.of() : outputs);
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException(
                    "unit group " + name + " needs at least one output slice (the weights that read its units)");
        }
    }
}
