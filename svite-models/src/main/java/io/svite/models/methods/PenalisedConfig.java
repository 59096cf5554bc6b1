package io.svite.models.methods;

import io.svite.core.training.DecoratedTrainingConfig;

import ai.djl.training.TrainingConfig;
import ai.djl.training.loss.Loss;

import java.util.List;

/** A training configuration that is another one with its loss replaced (by a penalised loss). */
final class PenalisedConfig extends DecoratedTrainingConfig {

    private final Loss loss;

    PenalisedConfig(TrainingConfig base, Loss loss) {
        super(base, base.getOptimizer(), List.of());
        this.loss = loss;
    }

    @Override
    public Loss getLossFunction() {
        return loss;
    }
}
