package io.svite.core;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;

/**
 * The DJL training listener of every engine: begin → {@link EngineState#begin}, each training
 * batch (between backward and {@code trainer.step()}) → {@link EngineState#beforeStep}, each epoch
 * → {@link EngineState#afterEpoch}, end → {@link EngineState#end}; validation batches change nothing.
 */
final class EngineListener implements TrainingListener {

    private final EngineState state;

    EngineListener(EngineState state) {
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
        // masks, gates and scores do not change during validation
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
