package io.svite.models.cost;

import java.util.Locale;

/** Counts of parameters and multiply-accumulates as people read them, e.g. {@code 36.13 M}. */
public final class CountFormat {

    private CountFormat() {}

    /**
     * A count with a unit prefix, e.g. 1.25 G.
     *
     * @param value the count
     * @return the formatted count
     */
    public static String human(double value) {
        if (value >= 1e9) {
            return String.format(Locale.ROOT, "%.3f G", value / 1e9);
        }
        if (value >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", value / 1e6);
        }
        if (value >= 1e3) {
            return String.format(Locale.ROOT, "%.1f K", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }
}
