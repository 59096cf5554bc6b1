package io.svite.core.schedule;

/** The schedule {@link UpdateSchedule.Builder} builds. */
record IntervalSchedule(long interval, long start, long end, long total, double initialFraction, Decay decay)
        implements UpdateSchedule {

    @Override
    public String toString() {
        return "every " + interval + " steps in (" + start + ", " + end + "), α " + initialFraction + " " + decay;
    }
}
