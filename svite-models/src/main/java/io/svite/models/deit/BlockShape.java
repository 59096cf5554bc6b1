package io.svite.models.deit;

import java.util.List;

/**
 * The width of one transformer block's prunable parts: how many attention heads it has, how many
 * hidden units its MLP has and, after VTP compaction, which model dimensions its attention and MLP
 * read.
 *
 * <p>A dense DeiT has the same shape in every block; a compacted one may differ block by block.
 * With {@code attnInputs} (or {@code mlpInputs}) the block gathers those dimensions of the
 * normalised tokens before {@code qkv} (or {@code fc1}), whose weights then have that many input
 * columns; null means all D dimensions, no gather.
 *
 * @param heads number of attention heads, at least 1
 * @param hidden number of MLP hidden units, at least 1
 * @param attnInputs the model dimensions qkv reads, strictly increasing, or null for all
 * @param mlpInputs the model dimensions fc1 reads, strictly increasing, or null for all
 */
public record BlockShape(int heads, int hidden, List<Integer> attnInputs, List<Integer> mlpInputs) {

    /** Checks the counts and the index lists (their upper bound, the width, is checked by {@link DeiTConfig}). */
    public BlockShape {
        if (heads < 1) {
            throw new IllegalArgumentException("heads per block must be >= 1, got " + heads);
        }
        if (hidden < 1) {
            throw new IllegalArgumentException("MLP hidden units must be >= 1, got " + hidden);
        }
        attnInputs = checked("attention input dimensions", attnInputs);
        mlpInputs = checked("MLP input dimensions", mlpInputs);
    }

    /**
     * A block that reads every model dimension.
     *
     * @param heads number of attention heads, at least 1
     * @param hidden number of MLP hidden units, at least 1
     */
    public BlockShape(int heads, int hidden) {
        this(heads, hidden, null, null);
    }

    /**
     * How many dimensions qkv reads.
     *
     * @param width the model width D
     * @return |attnInputs|, or D
     */
    public int attnInputCount(int width) {
        return attnInputs == null ? width : attnInputs.size();
    }

    /**
     * How many dimensions fc1 reads.
     *
     * @param width the model width D
     * @return |mlpInputs|, or D
     */
    public int mlpInputCount(int width) {
        return mlpInputs == null ? width : mlpInputs.size();
    }

    /**
     * This shape with other heads and hidden units and the same input dimensions.
     *
     * @param newHeads heads
     * @param newHidden hidden units
     * @return the shape
     */
    public BlockShape withUnits(int newHeads, int newHidden) {
        return new BlockShape(newHeads, newHidden, attnInputs, mlpInputs);
    }

    private static List<Integer> checked(String what, List<Integer> indices) {
        if (indices == null) {
            return null;
        }
        if (indices.isEmpty()) {
            throw new IllegalArgumentException("a block must read at least one of its " + what);
        }
        int previous = -1;
        for (Integer i : indices) {
            if (i == null || i <= previous) {
                throw new IllegalArgumentException(what + " must be distinct, non-negative and increasing, got " + indices);
            }
            previous = i;
        }
        return List.copyOf(indices);
    }
}
