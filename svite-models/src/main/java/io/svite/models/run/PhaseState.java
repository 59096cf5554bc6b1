package io.svite.models.run;

import io.svite.core.optimizer.StatefulOptimizer;
import io.svite.models.methods.TrainingPhase;

import io.svite.core.training.ModelEma;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

import java.util.function.Function;

/** One phase in progress: its place in the run, its model and optimizer, and where it stands. */
final class PhaseState {

    final int index;
    final TrainingPhase phase;
    final Model model;
    final StatefulOptimizer optimizer;
    /** Steps done across phases when the phase began. */
    long start;
    /** Steps done in this phase. */
    long step;
    /** The epoch being trained, from 1. */
    int epoch;
    boolean warnedOptimizer;
    /** The moving average of the phase's weights, or null. */
    ModelEma ema;
    /** The mask a parameter trains under, or null (what the average is evaluated with). */
    Function<Parameter, NDArray> masks;

    PhaseState(int index, TrainingPhase phase, Model model, StatefulOptimizer optimizer) {
        this.index = index;
        this.phase = phase;
        this.model = model;
        this.optimizer = optimizer;
    }

    /**
     * The phase's prefix in progress lines: none for a single-phase method's {@code train}.
     *
     * @return e.g. {@code "finetune "}
     */
    String label() {
        return phase.name().equals("train") ? "" : phase.name() + " ";
    }
}
