package io.svite.core.structured;

import ai.djl.nn.Block;

import java.util.List;

/**
 * How a model declares its structured units to the {@code SparseTrainer}: the core knows no
 * model, so a model supplies an implementation (for DeiT, {@code io.svite.models.deit.DeiTUnits}).
 *
 * <p>A model that can also compute only its active units ({@link UnitExecution}) says so through
 * {@link #execution}: S2ViTE's steps then cost what their active part costs.
 */
@FunctionalInterface
public interface StructuredUnits {

    /**
     * The unit groups of a model, in a stable order.
     *
     * @param block the model's block (possibly not yet initialised: unit counts must come from its
     *     structure, not from arrays)
     * @return the groups, at least one
     * @throws IllegalArgumentException if the block is not a model this declaration knows
     */
    List<UnitGroup> groups(Block block);

    /**
     * How the model computes only the active units of its groups, if it can.
     *
     * @param block the model's block, the one {@link #groups} was given
     * @return the model's execution, or null (the default) if closed units stay gated at full width
     */
    default UnitExecution execution(Block block) {
        return null;
    }
}
