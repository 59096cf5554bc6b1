package io.svite.models.run;

import ai.djl.Model;

import io.svite.core.checkpoint.Checkpointable;
import io.svite.core.optimizer.StatefulOptimizer;
import io.svite.models.methods.TrainingPhase;

import java.util.List;

/** One phase in progress: what a checkpoint of it needs. */
final class PhaseState {

    final int index;
    final TrainingPhase phase;
    final Model model;
    final StatefulOptimizer optimizer;
    final List<Checkpointable> states;
    /** Steps done across phases when the phase began. */
    long start;
    /** Steps done in this phase. */
    long step;
    boolean warnedOptimizer;

    PhaseState(int index, TrainingPhase phase, Model model, StatefulOptimizer optimizer, List<Checkpointable> states) {
        this.index = index;
        this.phase = phase;
        this.model = model;
        this.optimizer = optimizer;
        this.states = states;
    }

    /** The phase's name in progress lines: empty for a single {@code train} phase, else the name and a space. */
    String label() {
        return phase.name().equals("train") ? "" : phase.name() + " ";
    }
}
