package io.svite.core.optimizer;

import ai.djl.training.tracker.ParameterTracker;

/**
 * The settings every {@link StatefulOptimizer} shares, validated by the builders in {@link
 * Optimizers}.
 *
 * @param learningRate the learning rate, asked once per training step
 * @param weightDecay the decay rate λ for the parameters {@code decay} selects
 * @param decay which parameters decay
 * @param policy what happens to the state of pruned and grown entries
 */
record OptimizerSettings(
        ParameterTracker learningRate,
        float weightDecay,
        DecaySelection decay,
        MomentumPolicy policy) {}
