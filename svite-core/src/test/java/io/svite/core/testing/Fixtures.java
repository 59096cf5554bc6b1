package io.svite.core.testing;

import io.svite.core.SparseRun;
import io.svite.core.engine.MaskedTensor;
import io.svite.core.ndarray.Tensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/** Training configurations and array checks shared by the engine's tests. */
public final class Fixtures {

    /** The MLP's input shape with batch 1. */
    public static final Shape INPUT = new Shape(1, Mlp.IN);

    private Fixtures() {}

    /** A plain DJL configuration: softmax cross-entropy and the given optimizer. */
    public static DefaultTrainingConfig dense(Optimizer optimizer) {
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer);
    }

    /** DJL's AdamW at lr 1e-2, weight decay 0.05. */
    public static Optimizer adamW() {
        return Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-2f)).optWeightDecays(0.05f).build();
    }

    /** One of DJL's optimizers by name: adamw, adam, sgd-momentum. */
    public static Optimizer optimizer(String name) {
        switch (name) {
            case "adamw":
                return adamW();
            case "adam":
                return Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-2f)).optWeightDecays(1e-3f).build();
            case "sgd-momentum":
                return Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).optMomentum(0.9f).build();
            default:
                throw new AssertionError(name);
        }
    }

    /** Non-zero entries of an array, read to the host without leaving arrays behind. */
    public static long nonZeros(NDArray a) {
        return Tensors.nonZeros(a);
    }

    /** The largest |w| where the mask is 0. */
    public static float largestMasked(NDArray weight, NDArray mask) {
        return weight.mul(mask.neg().add(1)).abs().max().getFloat();
    }

    /** The current mask of a run's tensor by display name (any device copy), or null while unmasked. */
    public static NDArray maskOf(SparseRun run, String display) {
        return run.policies().stream()
                .flatMap(p -> p.tensors().stream())
                .filter(t -> t.display().equals(display))
                .findFirst()
                .map(MaskedTensor::anyMask)
                .orElseThrow(() -> new AssertionError("no masked tensor named " + display));
    }
}
