package io.svite.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void rejectsSmoothingOutsideTheUnitInterval() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LabelSmoothingLoss(1.2f));
        assertTrue(e.getMessage().contains("1.2") && e.getMessage().contains("[0, 1)"), e.getMessage());
    }
}
