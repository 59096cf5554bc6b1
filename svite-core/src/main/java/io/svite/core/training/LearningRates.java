package io.svite.core.training;

import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;

/**
 * The learning-rate schedule of one training phase: linear warm-up from 0, then cosine decay to a
 * floor over the rest of the phase.
 *
 * <pre>{@code
 * Tracker lr = LearningRates.warmupCosine(2, 469, 0.5, 1e-3, 1e-5); // 2 epochs of 469 steps
 * }</pre>
 */
public final class LearningRates {

    private LearningRates() {}

    /**
     * The schedule of a phase.
     *
     * @param epochs the phase's epochs
     * @param stepsPerEpoch optimizer steps per epoch
     * @param warmupEpochs epochs of warm-up, capped at half of the phase; 0 for none
     * @param learningRate the peak rate after warm-up
     * @param minLearningRate the rate at the end of the decay (kept just below the peak, which
     *     DJL's cosine tracker requires)
     * @return the tracker, counted in optimizer steps of the phase
     */
    public static Tracker warmupCosine(
            int epochs, long stepsPerEpoch, double warmupEpochs, double learningRate, double minLearningRate) {
        int total = Math.toIntExact(epochs * stepsPerEpoch);
        double warmupShare = Math.min(warmupEpochs, epochs / 2.0);
        int warmup = (int) Math.round(warmupShare * stepsPerEpoch);
        float base = (float) learningRate;
        float floor = (float) Math.min(minLearningRate, learningRate * 0.999);
        Tracker cosine =
                CosineTracker.builder().setBaseValue(base).optFinalValue(floor).setMaxUpdates(Math.max(1, total - warmup)).build();
        if (warmup == 0) {
            return cosine;
        }
        return WarmUpTracker.builder().setMainTracker(cosine).optWarmUpSteps(warmup).optWarmUpBeginValue(0f).build();
    }
}
