package io.svite.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class LabelSmoothingLossTest {

    @Test
    void matchesTheFormulaByHand() {
        float[] logits = {2f, 0f, -1f, 0.5f, 0.5f, 3f};
        float[] labels = {0f, 2f};
        float eps = 0.1f;
        double expected = 0;
        for (int b = 0; b < 2; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                max = Math.max(max, logits[b * 3 + c]);
            }
            double z = 0;
            for (int c = 0; c < 3; c++) {
                z += Math.exp(logits[b * 3 + c] - max);
            }
            for (int c = 0; c < 3; c++) {
                double logp = logits[b * 3 + c] - max - Math.log(z);
                double target = (c == (int) labels[b] ? 1 - eps : 0) + eps / 3;
                expected -= target * logp;
            }
        }
        expected /= 2;
        try (NDManager m = NDManager.newBaseManager()) {
            float loss =
                    new LabelSmoothingLoss(eps)
                            .evaluate(new NDList(m.create(labels)), new NDList(m.create(logits, new Shape(2, 3))))
                            .getFloat();
            assertEquals(expected, loss, 1e-5);
            float plain =
                    new LabelSmoothingLoss(0f)
                            .evaluate(new NDList(m.create(labels)), new NDList(m.create(logits, new Shape(2, 3))))
                            .getFloat();
            assertTrue(Math.abs(plain - expected) > 1e-3, "smoothing must change the loss");
        }
    }

    @Test
    void softTargetsAreSmoothedAndMixedLinearly() {
        float[] logits = {2f, 0f, -1f, 0.5f, 0.5f, 3f};
        float eps = 0.1f;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(logits, new Shape(2, 3));
            LabelSmoothingLoss loss = new LabelSmoothingLoss(eps);
            // a one-hot soft target is the class index
            float hard = loss.evaluate(new NDList(m.create(new float[] {0f, 2f})), new NDList(x)).getFloat();
            float oneHot = loss.evaluate(new NDList(m.create(new float[] {1, 0, 0, 0, 0, 1}, new Shape(2, 3))),
                    new NDList(x)).getFloat();
            assertEquals(hard, oneHot, 1e-6);
            // Mixup's target λ·a + (1 − λ)·b gives λ·L(a) + (1 − λ)·L(b): cross-entropy is linear in the target
            float lambda = 0.3f;
            float la = loss.evaluate(new NDList(m.create(new float[] {0f, 0f})), new NDList(x)).getFloat();
            float lb = loss.evaluate(new NDList(m.create(new float[] {1f, 1f})), new NDList(x)).getFloat();
            float mixed = loss.evaluate(new NDList(m.create(
                    new float[] {lambda, 1 - lambda, 0, lambda, 1 - lambda, 0}, new Shape(2, 3))), new NDList(x)).getFloat();
            assertEquals(lambda * la + (1 - lambda) * lb, mixed, 1e-5);
        }
    }

    @Test
    void rejectsSmoothingOutsideTheUnitInterval() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LabelSmoothingLoss(1.2f));
        assertTrue(e.getMessage().contains("1.2") && e.getMessage().contains("[0, 1)"), e.getMessage());
    }
}
