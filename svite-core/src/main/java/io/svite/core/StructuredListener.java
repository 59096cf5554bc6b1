package io.svite.core;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;

/**
 * The structured engine's DJL training listener: binds when training begins (and unfreezes the
 * gates), accumulates Taylor scores and updates the active sets in {@code onTrainingBatch}
 * (between backward and {@code trainer.step()}), reports each epoch and freezes the gates again
 * when training ends.
 */
final class StructuredListener implements TrainingListener {

    private final StructuredState state;

    StructuredListener(StructuredState state) {
        this.state = state;
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
        state.begin(trainer);
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        state.beforeStep();
    }

    @Override
    public void onValidationBatch(Trainer trainer, BatchData batchData) {
        // active sets do not change during validation
    }

    @Override
    public void onEpoch(Trainer trainer) {
        state.afterEpoch(trainer);
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        state.end();
    }
}
