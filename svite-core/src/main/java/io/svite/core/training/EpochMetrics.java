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
 * @param emaTestAccuracy test accuracy in [0, 1] of the moving average of the weights, or null
 *     when the run keeps none
 */
public record EpochMetrics(
        int epoch,
        String phase,
        double trainLoss,
        double trainAccuracy,
        double testAccuracy,
        double learningRate,
        double seconds,
        Double emaTestAccuracy) {

    /**
     * The metrics of an epoch without a moving average.
     *
     * @param epoch the epoch, from 1
     * @param phase the training phase
     * @param trainLoss mean training loss
     * @param trainAccuracy training accuracy in [0, 1]
     * @param testAccuracy test accuracy in [0, 1]
     * @param learningRate learning rate at the end of the epoch
     * @param seconds wall time of the epoch
     */
    public EpochMetrics(int epoch, String phase, double trainLoss, double trainAccuracy, double testAccuracy,
            double learningRate, double seconds) {
        this(epoch, phase, trainLoss, trainAccuracy, testAccuracy, learningRate, seconds, null);
    }
}
