package io.svite.core.structured;

import ai.djl.nn.Block;

import java.util.List;

/**
 * How a model declares its structured units to the {@code SparseTrainer}: the core knows no
 * model, so a model supplies an implementation (for DeiT, {@code io.svite.models.deit.DeiTUnits}).
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
}
