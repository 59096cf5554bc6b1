package io.svite.core.structured;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Validation and rounding shared by the unit budgets. */
public final class UnitCounts {

    /** Products this close below a whole number count as that number (absorbs 100 · 0.29). */
    private static final double TOLERANCE = 1e-9;

    private UnitCounts() {}

    public static double checkFraction(String family, Double fraction) {
        if (fraction == null || !(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException(
                    "the fraction of " + family + " kept must be in (0, 1], got " + fraction);
        }
        return fraction;
    }

    public static double checkSparsity(double sparsity) {
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
    static int keep(UnitGroup group, double fraction) {
        int units = group.units();
        int kept = (int) Math.floor(units * fraction + TOLERANCE);
        if (kept < 1) {
            String family = group.family().name();
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "a fraction of %s of the %s keeps floor(%d × %s) = 0 of the %d units of %s;"
                                    + " a group needs at least one active unit, so the fraction must be at least"
                                    + " 1/%d = %s",
                            plain(fraction), family, units, plain(fraction), units, group.name(), units,
                            plain(1.0 / units)));
        }
        return Math.min(kept, units);
    }

    /** A number with at most 4 significant digits and no trailing zeros: 0.1, 0.1667. */
    public static String plain(double x) {
        return new BigDecimal(x).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
