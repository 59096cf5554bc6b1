package io.svite.core;

import ai.djl.training.Trainer;

/** What an engine (SViTE, S2ViTE, pruning) does at the points of DJL's training loop. */
interface EngineState {

    /**
     * Binds to the trainer's model when training begins.
     *
     * @param trainer the trainer
     */
    void begin(Trainer trainer);

    /** Runs after backward and before {@code trainer.step()}, while the dense gradient is present. */
    void beforeStep();

    /**
     * Reports at the end of an epoch.
     *
     * @param trainer the trainer
     */
    void afterEpoch(Trainer trainer);

    /** Runs when training ends. */
    void end();
}
