package io.svite.core.schedule;

/**
 * Updates every {@code interval} steps after {@code start} until training stops, α constant: a
 * run of unknown length has no end to stop at and nothing to anneal towards.
 */
record OpenSchedule(long interval, long start, double initialFraction) implements UpdateSchedule {

    @Override
    public long end() {
        return Long.MAX_VALUE;
    }

    @Override
    public long total() {
        return Long.MAX_VALUE;
    }

    @Override
    public Decay decay() {
        return Decay.constant();
    }

    @Override
    public String toString() {
        return "every " + interval + " steps after step " + start + " while training runs, α " + initialFraction
                + " constant (run length unknown)";
    }
}
