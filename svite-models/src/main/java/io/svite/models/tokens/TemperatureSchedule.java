package io.svite.models.tokens;

/**
 * The Gumbel-softmax temperature τ of a token selector over training: linear from {@code start}
 * at the first step to {@code end} at the last step, constant when the two are equal.
 *
 * <pre>
 *   τ(t) = start + (end − start) · t / (T − 1)      t = 0 … T − 1 (clamped), T total steps
 * </pre>
 *
 * <p>A high τ makes the soft selection nearly uniform (every token gets a small gradient); a low τ
 * makes it close to the hard top-k. The default, 10 → 0.1, is the SViTE+ reference's schedule.
 * Evaluation does not use τ.
 *
 * @param start τ at the first training step, &gt; 0
 * @param end τ at the last training step, &gt; 0
 */
public record TemperatureSchedule(double start, double end) {

    /** The reference schedule: linear from 10 to 0.1 over training. */
    public static final TemperatureSchedule DEFAULT = new TemperatureSchedule(10, 0.1);

    /** Checks that both temperatures are positive and finite. */
    public TemperatureSchedule {
        positive("start temperature", start);
        positive("end temperature", end);
    }

    /**
     * A schedule that goes linearly from {@code start} to {@code end} over training.
     *
     * @param start τ at the first step, &gt; 0
     * @param end τ at the last step, &gt; 0
     * @return the schedule
     * @throws IllegalArgumentException if a temperature is not a positive finite number
     */
    public static TemperatureSchedule linear(double start, double end) {
        return new TemperatureSchedule(start, end);
    }

    /**
     * A constant temperature.
     *
     * @param temperature τ for every step, &gt; 0
     * @return the schedule
     * @throws IllegalArgumentException if the temperature is not a positive finite number
     */
    public static TemperatureSchedule constant(double temperature) {
        return new TemperatureSchedule(temperature, temperature);
    }

    /**
     * Whether τ never changes.
     *
     * @return true when start equals end
     */
    public boolean isConstant() {
        return start == end;
    }

    /**
     * The temperature of training step {@code step} (counted from 0) of {@code totalSteps}.
     *
     * @param step the optimizer step, from 0; steps past the end get {@code end}
     * @param totalSteps the number of training steps, &ge; 1
     * @return τ(step)
     * @throws IllegalArgumentException for a negative step or fewer than one total step
     */
    public double at(long step, long totalSteps) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total training steps must be >= 1, got " + totalSteps);
        }
        if (step < 0) {
            throw new IllegalArgumentException("training step must be >= 0, got " + step);
        }
        if (totalSteps == 1 || isConstant()) {
            return start;
        }
        long t = Math.min(step, totalSteps - 1);
        return start + (end - start) * ((double) t / (totalSteps - 1));
    }

    static void positive(String what, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be a number > 0, got " + value);
        }
    }
}
