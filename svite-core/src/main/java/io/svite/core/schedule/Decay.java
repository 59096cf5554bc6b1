package io.svite.core.schedule;

/**
 * How the prune fraction α_t of an {@link UpdateSchedule} falls from its initial value α.
 *
 * <p>With p = (t − start) / (end − start) the progress through the update window:
 *
 * <ul>
 *   <li>{@link #cosine()} (the paper): α_t = α/2 · (1 + cos(π p)), 0 at the end step;
 *   <li>{@link #cosineWithFloor(double)} (the reference code): α_t = f + (α − f)/2 · (1 + cos(π q))
 *       with q = (t − start) / (total − start) over the whole run, so the last update still prunes
 *       about 0.05 at f = 0.005;
 *   <li>{@link #linear()}: α_t = α · (1 − p);
 *   <li>{@link #constant()}: α_t = α.
 * </ul>
 */
public interface Decay {

    /**
     * The prune fraction at a step.
     *
     * @param alpha the initial fraction α in (0, 1]
     * @param step the step t, in [start, end]
     * @param start the first step of the schedule
     * @param end the end step (exclusive for updates)
     * @param total the length of the whole run, at least {@code end}
     * @return α_t in [0, 1]
     */
    double fraction(double alpha, long step, long start, long end, long total);

    /**
     * Cosine from α to 0 at the end step, as in the paper.
     *
     * @return the decay
     */
    static Decay cosine() {
        return Decays.COSINE;
    }

    /**
     * Cosine from α to {@code floor} over the whole run, as in the reference code (floor 0.005).
     *
     * @param floor the value the fraction approaches at the last step, in [0, 1)
     * @return the decay
     * @throws IllegalArgumentException if the floor is outside [0, 1)
     */
    static Decay cosineWithFloor(double floor) {
        if (!(floor >= 0 && floor < 1)) {
            throw new IllegalArgumentException("cosine floor must be in [0, 1), got " + floor);
        }
        return new Decays.CosineWithFloor(floor);
    }

    /**
     * Linear from α to 0 at the end step.
     *
     * @return the decay
     */
    static Decay linear() {
        return Decays.LINEAR;
    }

    /**
     * No decay: α at every update.
     *
     * @return the decay
     */
    static Decay constant() {
        return Decays.CONSTANT;
    }
}
