package io.svite.core.schedule;

/** The implementations behind {@link Decay}'s factories. */
final class Decays {

    static final Decay COSINE = new Cosine();
    static final Decay LINEAR = new Linear();
    static final Decay CONSTANT = new Constant();

    private Decays() {}

    static double progress(long step, long start, long end) {
        return end <= start ? 1 : Math.min(1, Math.max(0, (double) (step - start) / (end - start)));
    }

    /** α/2 · (1 + cos(π p)). */
    record Cosine() implements Decay {
        @Override
        public double fraction(double alpha, long step, long start, long end, long total) {
            return alpha / 2 * (1 + Math.cos(Math.PI * progress(step, start, end)));
        }

        @Override
        public String toString() {
            return "cosine";
        }
    }

    /** f + (α − f)/2 · (1 + cos(π q)), q over the whole run. */
    record CosineWithFloor(double floor) implements Decay {
        @Override
        public double fraction(double alpha, long step, long start, long end, long total) {
            return floor + (alpha - floor) / 2 * (1 + Math.cos(Math.PI * progress(step, start, Math.max(end, total))));
        }

        @Override
        public String toString() {
            return "cosine-floor(" + floor + ")";
        }
    }

    /** α · (1 − p). */
    record Linear() implements Decay {
        @Override
        public double fraction(double alpha, long step, long start, long end, long total) {
            return alpha * (1 - progress(step, start, end));
        }

        @Override
        public String toString() {
            return "linear";
        }
    }

    /** α. */
    record Constant() implements Decay {
        @Override
        public double fraction(double alpha, long step, long start, long end, long total) {
            return alpha;
        }

        @Override
        public String toString() {
            return "constant";
        }
    }
}
