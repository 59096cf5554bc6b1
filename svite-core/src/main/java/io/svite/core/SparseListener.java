package io.svite.core;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;

/**
 * The engine's DJL training listener: binds the run to the model when training begins, rewrites
 * the masks in {@code onTrainingBatch} on update steps (between backward and {@code
 * trainer.step()}, while the dense gradient is present), and reports each epoch.
 */
final class SparseListener implements TrainingListener {

    private final SparseState state;

    SparseListener(SparseState state) {
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
        // masks do not change during validation
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
