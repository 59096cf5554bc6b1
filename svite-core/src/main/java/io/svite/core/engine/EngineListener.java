package io.svite.core.engine;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;

/**
 * The DJL training listener of a {@link SparseEngine}: begin → bind (when the arrays exist), each
 * training batch (between backward and {@code trainer.step()}) → the policies' scores and updates,
 * each epoch → log and metrics, end → the policies' end; validation batches change nothing.
 */
public final class EngineListener implements TrainingListener {

    private final SparseEngine engine;

    EngineListener(SparseEngine engine) {
        this.engine = engine;
    }

    /**
     * The engine this listener drives, so a training loop that only sees a configuration's listeners
     * can find the run's reports and timeline.
     *
     * @return the engine
     */
    public SparseEngine engine() {
        return engine;
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
        engine.begin(trainer);
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        engine.beforeStep();
    }

    @Override
    public void onValidationBatch(Trainer trainer, BatchData batchData) {
        // masks, gates and scores do not change during validation
    }

    @Override
    public void onEpoch(Trainer trainer) {
        engine.afterEpoch(trainer);
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        engine.end();
    }
}
