package io.svite.core.optimizer;

/**
 * What an optimizer does with the per-entry state (momentum, Adam moments) of weights whose mask
 * entry changes at a prune-and-grow update.
 */
public enum MomentumPolicy {
    /**
     * Pruned and regrown entries start from zero state, as RigL does: a regrown weight is a new
     * weight, and stale moments would move it with gradients it never saw. The default.
     */
    RESET,
    /**
     * State is kept across mask changes, as the SViTE reference code does for AdamW (it only resets
     * SGD momentum). Also what DJL's own optimizers do, since their state is private.
     */
    KEEP
}
