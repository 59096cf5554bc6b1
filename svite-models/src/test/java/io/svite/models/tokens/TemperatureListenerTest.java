package io.svite.models.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;

import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import org.junit.jupiter.api.Test;

class TemperatureListenerTest {

    private static DeiTConfig withTokens(TemperatureSchedule schedule) {
        return DeiTConfig.mini().withDepth(1).withTokenSelection(TokenSelection.ratio(0.5).withTemperature(schedule));
    }

    @Test
    void eachStepTrainsWithTheScheduleValueOfThatStep() {
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(withTokens(TemperatureSchedule.linear(4, 1)));
            model.setBlock(deit);
            TokenSelector selector = deit.tokenSelector().orElseThrow();
            selector.setTemperature(123); // whatever it was, the listener sets step 0's value
            TemperatureListener listener = TemperatureListener.of(4);
            DefaultTrainingConfig tc =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).addTrainingListeners(listener);
            try (Trainer trainer = model.newTrainer(tc)) {
                double[] seen = new double[6];
                for (int step = 0; step < 6; step++) {
                    seen[step] = selector.temperature(); // the value the forward pass of this step uses
                    trainer.notifyListeners(l -> l.onTrainingBatch(trainer, null));
                }
                assertEquals(4.0, seen[0], 1e-12);
                assertEquals(3.0, seen[1], 1e-12);
                assertEquals(2.0, seen[2], 1e-12);
                assertEquals(1.0, seen[3], 1e-12);
                assertEquals(1.0, seen[5], 1e-12, "past the last step τ stays at the end value");
                assertEquals(6, listener.step());
            }
        }
    }

    @Test
    void aResumedRunContinuesTheSchedule() {
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(withTokens(TemperatureSchedule.DEFAULT));
            model.setBlock(deit);
            DefaultTrainingConfig tc =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .addTrainingListeners(TemperatureListener.resumingAt(100, 50));
            try (Trainer trainer = model.newTrainer(tc)) {
                assertEquals(TemperatureSchedule.DEFAULT.at(50, 100), deit.tokenSelector().orElseThrow().temperature(), 1e-12);
            }
        }
    }

    @Test
    void aModelWithoutSelectorIsAClearError() {
        try (Model model = Model.newInstance("deit")) {
            model.setBlock(DeiT.of(DeiTConfig.mini().withDepth(1)));
            DefaultTrainingConfig tc =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .addTrainingListeners(TemperatureListener.of(10));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.newTrainer(tc));
            assertTrue(e.getMessage().contains("no TokenSelector"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TemperatureListener.of(0));
        assertEquals("total training steps must be >= 1, got 0", e.getMessage());
    }
}
