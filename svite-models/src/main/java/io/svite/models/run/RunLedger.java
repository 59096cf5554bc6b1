package io.svite.models.run;

import io.svite.core.training.EpochMetrics;

import com.google.gson.JsonElement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a run has done so far across its phases: every finished epoch with the phase it belongs to,
 * the optimizer steps taken, and its timeline (each phase's engine timeline, the token snapshots).
 */
final class RunLedger {

    private final List<EpochMetrics> history = new ArrayList<>();
    private final List<Integer> phases = new ArrayList<>();
    private long globalStep;
    private final List<RunTimeline.Phase> timelines = new ArrayList<>();
    private RunTimeline.Tokens tokens;
    private boolean tokensMissing;

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
        // token snapshots live in the manifest; a checkpoint from before they were recorded has none
        tokens = at.tokens() == null || at.tokens().isJsonNull()
                ? null : RunTimeline.tokensOf(at.tokens(), "the checkpoint's manifest");
        tokensMissing = at.tokens() == null || at.tokens().isJsonNull();
    }

    /**
     * Records a phase's engine timeline, replacing one recorded for the same phase before.
     *
     * @param phase the phase's timeline
     */
    void phaseTimeline(RunTimeline.Phase phase) {
        timelines.removeIf(p -> p.index() == phase.index() && p.name().equals(phase.name()));
        timelines.add(phase);
        timelines.sort(java.util.Comparator.comparingInt(RunTimeline.Phase::index));
    }

    /**
     * Adds a token snapshot.
     *
     * @param testImages how many test images the snapshots show
     * @param patches patches per image
     * @param grid patches per row
     * @param kept patches kept per image
     * @param snapshot the snapshot
     */
    void tokenSnapshot(int testImages, int patches, int grid, int kept, RunTimeline.Snapshot snapshot) {
        List<RunTimeline.Snapshot> all = new ArrayList<>(tokens == null ? List.of() : tokens.snapshots());
        all.add(snapshot);
        tokens = new RunTimeline.Tokens(testImages, patches, grid, kept, all, !tokensMissing);
    }

    /** The token snapshots so far, or null before the first. */
    RunTimeline.Tokens tokens() {
        return tokens;
    }

    /** The token snapshots as a manifest records them, or null before the first. */
    JsonElement tokensJson() {
        return tokens == null ? null : RunTimeline.tokensJson(tokens);
    }

    /** The run's timeline so far. */
    RunTimeline timeline() {
        return new RunTimeline(timelines, tokens);
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
