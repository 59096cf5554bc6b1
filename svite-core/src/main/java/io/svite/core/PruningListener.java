package io.svite.core;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;

/**
 * The pruning engine's DJL training listener: binds when training begins, sums scores and prunes
 * in {@code onTrainingBatch} (between backward and {@code trainer.step()}), reports each epoch.
 */
final class PruningListener implements TrainingListener {

    private final PruningState state;

    PruningListener(PruningState state) {
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
