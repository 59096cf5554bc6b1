package io.svite.models.deit;

/**
 * The width of one transformer block's prunable parts: how many attention heads it has and how
 * many hidden units its MLP has.
 *
 * <p>A dense DeiT has the same shape in every block; a compacted one may differ block by block.
 *
 * @param heads number of attention heads, at least 1
 * @param hidden number of MLP hidden units, at least 1
 */
public record BlockShape(int heads, int hidden) {

    /** Checks both counts. */
    public BlockShape {
        if (heads < 1) {
            throw new IllegalArgumentException("heads per block must be >= 1, got " + heads);
        }
        if (hidden < 1) {
            throw new IllegalArgumentException("MLP hidden units must be >= 1, got " + hidden);
        }
    }
}
