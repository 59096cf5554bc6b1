package io.svite.core.augment;

import java.util.Random;

/**
 * Draws from Beta(α, α) as X / (X + Y) of two Gamma(α) draws (Marsaglia and Tsang's method, with
 * the U^(1/α) boost below α = 1), so Mixup's λ depends only on the batch's generator.
 */
final class BetaSampler {

    private BetaSampler() {}

    /** One draw of Beta(alpha, alpha). */
    static double symmetric(double alpha, Random random) {
        double x = gamma(alpha, random);
        double y = gamma(alpha, random);
        return x + y == 0 ? 0.5 : x / (x + y);
    }

    /** One draw of Gamma(shape, 1). */
    static double gamma(double shape, Random random) {
        if (shape < 1) {
            double u = random.nextDouble();
            return gamma(shape + 1, random) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1 / 3.0;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
