package io.svite.models.compact;

import io.svite.models.deit.BlockShape;

import java.util.List;

/**
 * The attention heads and MLP neurons one block keeps, by their index in the gated block.
 *
 * <p>Indices are strictly increasing, so the compacted block keeps the units in their original
 * order: kept head {@code heads().get(j)} becomes head j of the compacted block.
 *
 * @param heads indices of the kept heads (gate value 1), at least one
 * @param neurons indices of the kept MLP hidden units (gate value 1), at least one
 */
public record KeptUnits(List<Integer> heads, List<Integer> neurons) {

    /** Checks that both lists are non-empty and strictly increasing, and copies them. */
    public KeptUnits {
        heads = checked("heads", heads);
        neurons = checked("neurons", neurons);
    }

    /**
     * The shape of the compacted block.
     *
     * @return (kept heads, kept neurons)
     */
    public BlockShape shape() {
        return new BlockShape(heads.size(), neurons.size());
    }

    private static List<Integer> checked(String what, List<Integer> indices) {
        if (indices == null || indices.isEmpty()) {
            throw new IllegalArgumentException("a block must keep at least one of its " + what);
        }
        int previous = -1;
        for (Integer i : indices) {
            if (i == null || i <= previous) {
                throw new IllegalArgumentException(
                        "kept " + what + " must be distinct, non-negative and increasing, got " + indices);
            }
            previous = i;
        }
        return List.copyOf(indices);
    }
}
