package io.svite.core.training;

/**
 * What one epoch measured.
 *
 * @param epoch the epoch, from 1, counted across all phases of the run
 * @param phase the training phase it belongs to ({@code train} for single-phase methods)
 * @param trainLoss mean training loss
 * @param trainAccuracy training accuracy in [0, 1]
 * @param testAccuracy test accuracy in [0, 1]
 * @param learningRate learning rate at the end of the epoch
 * @param seconds wall time of the epoch's training and evaluation
 */
public record EpochMetrics(
        int epoch,
        String phase,
        double trainLoss,
        double trainAccuracy,
        double testAccuracy,
        double learningRate,
        double seconds) {}
