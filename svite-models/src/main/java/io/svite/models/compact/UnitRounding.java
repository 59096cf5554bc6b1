package io.svite.models.compact;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Validation and rounding shared by the structured budgets. */
final class UnitRounding {

    /** Products this close below a whole number count as that number (absorbs 100 · 0.29). */
    private static final double TOLERANCE = 1e-9;

    private UnitRounding() {}

    static double checkFraction(String unit, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException(
                    "the fraction of " + unit + "s kept must be in (0, 1], got " + fraction);
        }
        return fraction;
    }

    static double checkSparsity(double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("structured sparsity must be in [0, 1), got " + sparsity);
        }
        return sparsity;
    }

    /**
     * ⌊units · fraction⌋, at least 1.
     *
     * @throws IllegalArgumentException if the product rounds down to 0
     */
    static int keep(int units, double fraction, String unit, int block) {
        int kept = (int) Math.floor(units * fraction + TOLERANCE);
        if (kept < 1) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "a %s fraction of %s keeps floor(%d × %s) = 0 of %d %ss in block %d;"
                                    + " a block needs at least one %s, so the fraction must be at"
                                    + " least 1/%d = %s",
                            unit, plain(fraction), units, plain(fraction), units, unit, block, unit,
                            units, plain(1.0 / units)));
        }
        return Math.min(kept, units);
    }

    /** A number with at most 4 significant digits and no trailing zeros: 0.1, 0.1667. */
    private static String plain(double x) {
        return new BigDecimal(x).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
