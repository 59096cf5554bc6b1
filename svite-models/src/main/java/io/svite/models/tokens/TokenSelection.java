package io.svite.models.tokens;

/**
 * The settings of a token selector: how many patch tokens to keep, the scorer's shape and the
 * temperature schedule of training.
 *
 * <p>Exactly one of {@code ratio} and {@code count} is set (the other is 0). A ratio keeps
 * k = max(1, round(ratio · N)) of the N patches of whatever model it is applied to; a count keeps
 * exactly k patches and must not exceed N. The class token is always kept on top, so the blocks
 * see k + 1 tokens. The paper's token counts of DeiT at 224 px (187, 177, 138, 99 of 197 tokens)
 * are the ratios 0.95, 0.9, 0.7, 0.5.
 *
 * <p>A record of plain values, so a saved architecture carries it as it is.
 *
 * @param ratio fraction of the patches to keep, in (0, 1]; 0 when selecting by count
 * @param count number of patches to keep, &ge; 1; 0 when selecting by ratio
 * @param scorer the scorer's shape; null means {@link ScorerShape#linear()}
 * @param temperature τ over training; null means {@link TemperatureSchedule#DEFAULT}
 */
public record TokenSelection(double ratio, int count, ScorerShape scorer, TemperatureSchedule temperature) {

    /** Validates the choice of ratio or count and fills in the defaults. */
    public TokenSelection {
        if (count == 0) {
            if (!(ratio > 0 && ratio <= 1)) {
                throw new IllegalArgumentException("token keep ratio must be in (0, 1], got " + ratio);
            }
        } else {
            if (count < 1) {
                throw new IllegalArgumentException("kept patch count must be >= 1, got " + count);
            }
            if (ratio != 0) {
                throw new IllegalArgumentException(
                        "give either a token keep ratio or a kept patch count, not both (ratio "
                                + ratio
                                + ", count "
                                + count
                                + ")");
            }
        }
        if (scorer == null) {
            scorer = ScorerShape.linear();
        }
        if (temperature == null) {
            temperature = TemperatureSchedule.DEFAULT;
        }
    }

    /**
     * Keeps a fraction of the patches, with a linear scorer and τ from 10 to 0.1.
     *
     * @param ratio fraction of patches to keep, in (0, 1]
     * @return the settings
     * @throws IllegalArgumentException for a ratio outside (0, 1]
     */
    public static TokenSelection ratio(double ratio) {
        return new TokenSelection(ratio, 0, null, null);
    }

    /**
     * Keeps a fixed number of patches, with a linear scorer and τ from 10 to 0.1.
     *
     * @param count patches to keep, &ge; 1 (and at most the model's patches)
     * @return the settings
     * @throws IllegalArgumentException for a count below 1
     */
    public static TokenSelection count(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("kept patch count must be >= 1, got " + count);
        }
        return new TokenSelection(0, count, null, null);
    }

    /**
     * These settings with another scorer.
     *
     * @param shape the scorer's shape
     * @return new settings
     */
    public TokenSelection withScorer(ScorerShape shape) {
        return new TokenSelection(ratio, count, shape, temperature);
    }

    /**
     * These settings with another temperature schedule.
     *
     * @param schedule τ over training
     * @return new settings
     */
    public TokenSelection withTemperature(TemperatureSchedule schedule) {
        return new TokenSelection(ratio, count, scorer, schedule);
    }

    /**
     * Whether the number of kept patches is given as a fraction.
     *
     * @return true for a ratio, false for a count
     */
    public boolean byRatio() {
        return count == 0;
    }

    /**
     * The number of patches k kept out of {@code patches}.
     *
     * @param patches the model's patch count N
     * @return k in 1 … N
     * @throws IllegalArgumentException if a count exceeds {@code patches}
     */
    public int keptPatches(int patches) {
        if (patches < 1) {
            throw new IllegalArgumentException("a model has at least one patch, got " + patches);
        }
        if (byRatio()) {
            return (int) Math.max(1, Math.min(patches, Math.round(ratio * patches)));
        }
        if (count > patches) {
            throw new IllegalArgumentException(
                    "kept patch count "
                            + count
                            + " is larger than the "
                            + patches
                            + " patches of this model; allowed 1.."
                            + patches);
        }
        return count;
    }

    /**
     * A short description, e.g. {@code ratio 0.9} or {@code 137 patches}.
     *
     * @return the description
     */
    public String describe() {
        return byRatio() ? "ratio " + ratio : count + " patches";
    }
}
