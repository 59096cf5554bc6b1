package io.svite.core.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.List;

/** Small models, deterministic gradients and exact comparisons shared by the optimizer tests. */
final class OptimizerFixtures {

    static final Shape INPUT = new Shape(4, 6);

    private OptimizerFixtures() {}

    /**
     * Linear(6→5) → LayerNorm → ReLU → Linear(5→3): weights, biases, a norm's gamma and beta.
     *
     * @return an uninitialised block
     */
    static Block mlp() {
        SequentialBlock block =
                new SequentialBlock()
                        .add(Linear.builder().setUnits(5).build())
                        .add(LayerNorm.builder().build())
                        .add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(3).build());
        block.setInitializer(new NormalInitializer(0.5f), Parameter.Type.WEIGHT);
        return block;
    }

    /**
     * An initialised {@link #mlp()} whose parameters (biases, gamma and beta included) are all
     * non-zero and differ from each other, so decay of any of them is visible.
     *
     * @param manager the model's manager
     * @return the block
     */
    static Block initialisedMlp(NDManager manager) {
        Block block = mlp();
        block.initialize(manager, DataType.FLOAT32, INPUT);
        int i = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().getType() != Parameter.Type.WEIGHT) {
                NDArray a = p.getValue().getArray();
                a.set(new NDIndex("..."), pattern(manager, a.getShape(), ++i).add(1f));
            }
        }
        return block;
    }

    /**
     * A deterministic, non-constant array: sin(0.7·k·(j+1)) over the flat index j.
     *
     * @param manager where it goes
     * @param shape its shape
     * @param k a seed-like factor
     * @return the array
     */
    static NDArray pattern(NDManager manager, Shape shape, int k) {
        return manager.arange(1f, shape.size() + 1f).mul(0.7f * k).sin().reshape(shape);
    }

    /**
     * Copies every parameter value of {@code from} into {@code to} (same architecture).
     *
     * @param from the source block
     * @param to the target block
     */
    static void copyParameters(Block from, Block to) {
        List<Parameter> a = from.getParameters().values();
        List<Parameter> b = to.getParameters().values();
        for (int i = 0; i < a.size(); i++) {
            b.get(i).getArray().set(new NDIndex("..."), a.get(i).getArray());
        }
    }

    /**
     * Applies {@code steps} updates to every parameter of {@code block}, gradient of step s and
     * parameter i = pattern(s·31 + i), on {@code scratch}.
     *
     * @param optimizer the optimizer
     * @param block the parameters
     * @param firstStep the step number of the first update (gradients depend on it)
     * @param steps how many steps
     * @param scratch a manager for the gradients
     */
    static void train(Optimizer optimizer, Block block, int firstStep, int steps, NDManager scratch) {
        for (int s = firstStep; s < firstStep + steps; s++) {
            int i = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray w = p.getValue().getArray();
                try (NDArray g = pattern(scratch, w.getShape(), s * 31 + ++i)) {
                    optimizer.update(p.getValue().getId(), w, g);
                }
            }
        }
    }

    /**
     * Asserts two arrays hold the same bits.
     *
     * @param expected the expected array
     * @param actual the actual array
     * @param what what is compared, for the message
     */
    static void assertBitIdentical(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what);
        assertArrayEquals(bits(expected), bits(actual), what + " differs");
    }

    /**
     * The values of every parameter of a block, in order, as raw float bits.
     *
     * @param block the block
     * @return one int[] per parameter
     */
    static List<int[]> parameterBits(Block block) {
        List<int[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.add(bits(p.getValue().getArray()));
        }
        return out;
    }

    static int[] bits(NDArray a) {
        float[] f = a.toFloatArray();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Float.floatToRawIntBits(f[i]);
        }
        return out;
    }

    /**
     * Finds a parameter by its DJL name suffix, e.g. {@code "01Linear_weight"}.
     *
     * @param block the block
     * @param name the exact name in {@code getParameters()}
     * @return the parameter
     */
    static Parameter parameter(Block block, String name) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().equals(name)) {
                return p.getValue();
            }
        }
        throw new AssertionError("no parameter " + name + " in " + block.getParameters().keys());
    }
}
