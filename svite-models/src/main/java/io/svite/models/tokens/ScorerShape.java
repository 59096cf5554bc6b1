package io.svite.models.tokens;

/**
 * The shape of a token selector's scorer: one linear layer D → 1 (the SViTE+ reference), or a
 * small MLP D → hidden → GELU → 1 (the paper's wording).
 *
 * @param hidden hidden units of the MLP, or 0 for the linear scorer
 */
public record ScorerShape(int hidden) {

    /** Checks the hidden size. */
    public ScorerShape {
        if (hidden < 0) {
            throw new IllegalArgumentException(
                    "scorer hidden units must be >= 1 for an MLP scorer (or 0 for a linear one), got " + hidden);
        }
    }

    /**
     * The linear scorer, score = w·x + b.
     *
     * @return the shape
     */
    public static ScorerShape linear() {
        return new ScorerShape(0);
    }

    /**
     * An MLP scorer, score = w₂·GELU(W₁x + b₁) + b₂.
     *
     * @param hidden hidden units, &ge; 1
     * @return the shape
     * @throws IllegalArgumentException for fewer than one hidden unit
     */
    public static ScorerShape mlp(int hidden) {
        if (hidden < 1) {
            throw new IllegalArgumentException("MLP scorer hidden units must be >= 1, got " + hidden);
        }
        return new ScorerShape(hidden);
    }

    /**
     * Whether this is the single linear layer.
     *
     * @return true for the linear scorer
     */
    public boolean isLinear() {
        return hidden == 0;
    }

    /**
     * Weight entries of the scorer for model width {@code width}.
     *
     * @param width model width D
     * @return D for the linear scorer, D·h + h for the MLP
     */
    public long weights(long width) {
        return isLinear() ? width : width * hidden + hidden;
    }

    /**
     * Bias entries of the scorer.
     *
     * @return 1 for the linear scorer, h + 1 for the MLP
     */
    public long biases() {
        return isLinear() ? 1 : hidden + 1L;
    }
}
