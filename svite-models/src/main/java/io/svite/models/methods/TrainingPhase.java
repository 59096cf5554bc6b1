package io.svite.models.methods;

import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.TrainingConfig;

/**
 * One stretch of training with one training configuration, e.g. "pretrain" then "finetune".
 *
 * @param name the phase's name in progress lines and metrics ({@code train} for single-phase
 *     methods)
 * @param epochs passes over the training set, at least 1
 * @param decorator turns the shared configuration into the one this phase trains with
 */
public record TrainingPhase(String name, int epochs, Decorator decorator) {

    /** Checks the values. */
    public TrainingPhase {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a training phase needs a name");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("phase '" + name + "' needs at least 1 epoch, got " + epochs);
        }
        if (decorator == null) {
            decorator = (base, block, steps) -> base;
        }
    }

    /**
     * A phase that trains with the shared configuration unchanged.
     *
     * @param name the phase's name
     * @param epochs passes over the training set
     * @return the phase
     */
    public static TrainingPhase plain(String name, int epochs) {
        return new TrainingPhase(name, epochs, null);
    }

    /** Decorates the shared training configuration of a phase. */
    @FunctionalInterface
    public interface Decorator {

        /**
         * Returns the configuration to train with.
         *
         * @param base the shared configuration: label-smoothed loss, the project's AdamW (decay on
         *     weights only) with warm-up and cosine decay over this phase, the device, and the
         *     run's own listeners
         * @param block the model's block (not yet initialised on the first phase)
         * @param steps optimizer steps this phase will take
         * @return the configuration to train with, e.g. {@code sparseTrainer.configure(base)}
         */
        TrainingConfig decorate(DefaultTrainingConfig base, Block block, long steps);
    }
}
