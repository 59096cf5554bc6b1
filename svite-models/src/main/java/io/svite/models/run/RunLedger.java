package io.svite.models.run;

import io.svite.core.training.EpochMetrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a run has done so far across its phases: every finished epoch with the phase it belongs to,
 * and the optimizer steps taken.
 */
final class RunLedger {

    private final List<EpochMetrics> history = new ArrayList<>();
    private final List<Integer> phases = new ArrayList<>();
    private long globalStep;

    /** Every finished epoch, in order. */
    List<EpochMetrics> history() {
        return Collections.unmodifiableList(history);
    }

    /** Epochs finished so far. */
    int epochs() {
        return history.size();
    }

    /** Steps done across all phases. */
    long globalStep() {
        return globalStep;
    }

    /** Counts one more step. */
    void step() {
        globalStep++;
    }

    /**
     * Records a finished epoch.
     *
     * @param phaseIndex its phase
     * @param metrics what it measured
     */
    void add(int phaseIndex, EpochMetrics metrics) {
        history.add(metrics);
        phases.add(phaseIndex);
    }

    /**
     * The finished epochs of one phase.
     *
     * @param phaseIndex the phase
     * @return its epochs, in order
     */
    List<EpochMetrics> epochsOf(int phaseIndex) {
        List<EpochMetrics> out = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            if (phases.get(i) == phaseIndex) {
                out.add(history.get(i));
            }
        }
        return out;
    }

    /**
     * Continues from a checkpoint: its history and step count replace this ledger's.
     *
     * @param at the checkpoint's manifest
     */
    void restore(RunManifest at) {
        history.clear();
        phases.clear();
        for (RunManifest.PhaseEpoch pe : at.history()) {
            history.add(pe.metrics());
            phases.add(pe.phaseIndex());
        }
        globalStep = at.globalStep();
    }

    /** The history as a manifest records it. */
    List<RunManifest.PhaseEpoch> phaseEpochs() {
        List<RunManifest.PhaseEpoch> done = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            done.add(new RunManifest.PhaseEpoch(phases.get(i), history.get(i)));
        }
        return done;
    }
}
