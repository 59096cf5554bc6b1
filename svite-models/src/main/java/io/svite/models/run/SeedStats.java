package io.svite.models.run;

import java.util.List;
import java.util.Locale;

/**
 * The mean and sample standard deviation of one measure over the seeds of a method.
 *
 * <p>The standard deviation divides by n − 1 (the spread one more seed would show); with one seed
 * it is 0 and {@link #n()} says that nothing was measured about the spread.
 *
 * @param mean the mean
 * @param std the sample standard deviation, 0 for one value
 * @param n how many values
 * @param values the values, in seed order
 */
public record SeedStats(double mean, double std, int n, List<Double> values) {

    /** Copies the values. */
    public SeedStats {
        values = List.copyOf(values);
    }

    /**
     * The statistics of some values.
     *
     * @param values at least one value
     * @return mean, standard deviation and count
     * @throws IllegalArgumentException for no values
     */
    public static SeedStats of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values: at least one seed must have finished");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.size();
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double std = values.size() < 2 ? 0 : Math.sqrt(squares / (values.size() - 1));
        return new SeedStats(mean, std, values.size(), values);
    }

    /**
     * A percentage with its spread, e.g. {@code 82.10 ± 0.21 %}, or {@code 82.10 %} for one value.
     *
     * @return the text
     */
    public String percent() {
        return n < 2
                ? String.format(Locale.ROOT, "%.2f %%", 100 * mean)
                : String.format(Locale.ROOT, "%.2f ± %.2f %%", 100 * mean, 100 * std);
    }
}
