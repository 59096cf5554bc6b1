package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;

import org.junit.jupiter.api.Test;

import java.util.List;

class GatePenaltyLossTest {

    @Test
    void addsLambdaTimesTheL1NormWhoseGradientIsLambdaSignAndLeavesNothingInTheModelsManager() {
        DeiTConfig config = DeiTConfig.of(8, 1, 4, 8, 1, 2, 1.0, 3, 0.0);
        try (NDManager modelManager = NDManager.newBaseManager()) {
            DeiT deit = DeiT.of(config);
            deit.initialize(modelManager, DataType.FLOAT32, new Shape(1, 1, 8, 8));
            Parameter heads = deit.blocks().get(0).attention().headGate();
            Parameter neurons = deit.blocks().get(0).mlp().neuronGate();
            heads.getArray().set(new float[] {0.5f, -2f});
            neurons.getArray().set(new float[] {1f, 0.25f, -0.75f, 3f, 0f, 1f, 1f, -1f});
            heads.freeze(false);
            neurons.freeze(false);
            GatePenaltyLoss loss = new GatePenaltyLoss(Loss.l2Loss(), List.of(heads, neurons), 0.1f);
            int before = modelManager.getManagedArrays().size();
            for (int step = 0; step < 3; step++) {
                try (NDManager batch = modelManager.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray label = batch.create(new float[] {1f, 2f});
                    NDArray prediction = batch.create(new float[] {1f, 4f});
                    NDArray value = loss.evaluate(new NDList(label), new NDList(prediction));
                    // L2 loss: mean(½(1 − 1)², ½(2 − 4)²) = 1; Σ|m| = 2.5 + 8 = 10.5
                    assertEquals(1f + 0.1f * 10.5f, value.getFloat(), 1e-5f);
                    collector.backward(value);
                }
                assertEquals(before, modelManager.getManagedArrays().size(), "step " + step + " left arrays in the model's manager");
            }
            // three backward passes accumulate 3 · λ · sign(m) (0 for an entry at exactly 0)
            assertArrayEquals(new float[] {0.3f, -0.3f}, heads.getArray().getGradient().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.3f, 0.3f, -0.3f, 0.3f, 0f, 0.3f, 0.3f, -0.3f},
                    neurons.getArray().getGradient().toFloatArray(), 1e-6f);
        }
    }
}
