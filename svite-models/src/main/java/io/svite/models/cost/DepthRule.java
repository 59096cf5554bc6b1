package io.svite.models.cost;

/** How {@link SmallDense} turns a parameter budget into a whole number of blocks. */
public enum DepthRule {
    /**
     * The depth whose dense parameter count is nearest the budget (ties go to the shallower one).
     * The default: it gives the SViTE paper's Small-Dense depths (8 / 6 / 6 blocks for DeiT-Tiny /
     * Small / Base at 30 % / 50 % / 50 % sparsity).
     */
    NEAREST,
    /** The largest depth whose dense parameter count does not exceed the budget. */
    AT_MOST
}
