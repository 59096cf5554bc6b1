package io.svite.core.report;

/**
 * Where one unit group stands in a structured run.
 *
 * @param name the group's name, e.g. {@code block0_attn_heads}
 * @param family the family's name, e.g. {@code heads}
 * @param units units in the group
 * @param active units active now (gate 1)
 * @param everActive units that have been active at some point of the run
 * @param changed units active now that were not active at the start
 * @param grown units switched on by updates so far (a unit switched off and on again in the same
 *     update is not counted)
 */
public record UnitGroupReport(String name, String family, int units, int active, int everActive, int changed, long grown) {

    /** Checks the counts. */
    public UnitGroupReport {
        if (units < 1 || active < 0 || active > units || everActive < active || everActive > units || changed < 0
                || changed > active || grown < 0) {
            throw new IllegalArgumentException(
                    "inconsistent counts for unit group " + name + ": units " + units + ", active " + active
                            + ", ever active " + everActive + ", changed " + changed + ", grown " + grown);
        }
    }

    /**
     * Whether every unit is active (the group is left alone).
     *
     * @return true if active == units
     */
    public boolean dense() {
        return active == units;
    }
}
