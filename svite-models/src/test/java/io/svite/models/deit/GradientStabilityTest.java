package io.svite.models.deit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.engine.Engine;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradients must not depend on what the JVM does between forward and backward. A scalar made with
 * {@code op(Number)} inside the graph points into a Java buffer that a garbage collection frees;
 * this test collects garbage and scribbles over freed direct memory before backward.
 */
class GradientStabilityTest {

    private static float[] gradientOfQkv(DeiT deit, Model model, NDArray x, boolean scribble) {
        NDManager m = model.getNDManager();
        try (NDManager batch = m.getParentManager().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray input = x.duplicate();
            input.attach(batch);
            NDArray y = deit.forward(new ParameterStore(batch, false), new NDList(input), true).head();
            if (scribble) {
                List<ByteBuffer> junk = new ArrayList<>();
                for (int round = 0; round < 5; round++) {
                    System.gc();
                    for (int i = 0; i < 2000; i++) {
                        ByteBuffer b = ByteBuffer.allocateDirect(4);
                        b.putFloat(0, Float.NaN);
                        junk.add(b);
                    }
                }
            }
            gc.backward(y.sum());
        }
        ai.djl.nn.Parameter w = deit.blocks().get(0).attention().qkv().getParameters().get("weight");
        try (NDArray g = w.getArray().getGradient()) {
            float[] values = g.toFloatArray();
            g.muli(0);
            return values;
        }
    }

    @Test
    void gradientsSurviveAGarbageCollectionBetweenForwardAndBackward() {
        DeiTConfig config = DeiTConfig.mini().withDepth(1);
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(config);
            model.setBlock(deit);
            deit.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(2, 1, 28, 28));
            NDArray x = model.getNDManager().randomNormal(new Shape(2, 1, 28, 28));
            float[] reference = gradientOfQkv(deit, model, x, false);
            for (int trial = 0; trial < 3; trial++) {
                float[] again = gradientOfQkv(deit, model, x, true);
                double maxDiff = 0;
                for (int i = 0; i < reference.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(reference[i] - again[i]));
                }
                assertEquals(0.0, maxDiff, 1e-6, "gradient changed after a garbage collection (trial " + trial + ")");
            }
        }
    }
}
