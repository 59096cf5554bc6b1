package io.svite.core;

import io.svite.core.report.UnitReport;

import java.util.List;
import java.util.Map;

/**
 * The handle of one structured training run, from {@link StructuredTrainingConfig#run()}: its
 * report, its step counter and the active units of every group.
 */
public final class StructuredRun {

    final StructuredState state;

    StructuredRun(StructuredState state) {
        this.state = state;
    }

    /**
     * The report now (reads counts from the device; not meant for every step). After the trainer
     * is closed, the last report.
     *
     * @return the unit report
     * @throws IllegalStateException before training has begun
     */
    public UnitReport report() {
        return state.report();
    }

    /**
     * The indices of the active units of every group, read from the gates (not meant for every
     * step).
     *
     * @return active unit indices, increasing, by group name in the model's order
     * @throws IllegalStateException before training has begun or after the model was closed
     */
    public Map<String, List<Integer>> activeUnits() {
        return state.activeUnits();
    }

    /**
     * Optimizer steps done.
     *
     * @return the step count
     */
    public long step() {
        return state.steps();
    }

    /**
     * Structured updates (prune-and-grow events) done.
     *
     * @return the number of updates
     */
    public long updates() {
        return state.rewrites();
    }

    /**
     * Wall time of the most recent structured update, for benchmarks and logs.
     *
     * @return seconds, 0 before the first update
     */
    public double lastUpdateSeconds() {
        return state.lastRewriteSeconds();
    }

    /**
     * Whether the initial active sets are installed.
     *
     * @return true once bound to the model
     */
    public boolean isBound() {
        return state.bound();
    }
}
