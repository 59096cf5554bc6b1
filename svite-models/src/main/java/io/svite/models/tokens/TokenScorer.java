package io.svite.models.tokens;

import io.svite.core.select.KeepDense;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;

/**
 * Scores every patch token with one number: a linear layer {@code fc} (D → 1) or an MLP {@code
 * fc1} (D → h), GELU, {@code fc2} (h → 1).
 *
 * <p>Shapes: tokens (B, N, D) → scores (B, N). Weights start from a normal with σ = 0.02
 * truncated at ±2σ, biases at 0, as every DeiT linear layer. Dense only: never a sparsity target.
 */
final class TokenScorer extends AbstractBlock implements KeepDense {

    private static final byte VERSION = 1;

    private final Linear first;
    private final Linear second;

    TokenScorer(ScorerShape shape) {
        super(VERSION);
        if (shape.isLinear()) {
            first = addChildBlock("fc", linear(1));
            second = null;
        } else {
            first = addChildBlock("fc1", linear(shape.hidden()));
            second = addChildBlock("fc2", linear(1));
        }
    }

    private static Linear linear(int units) {
        Linear l = Linear.builder().setUnits(units).build();
        l.setInitializer(new TruncatedNormalInitializer(0.02f), Parameter.Type.WEIGHT);
        return l;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = first.forward(ps, inputs, training).singletonOrThrow();
        if (second != null) {
            h = second.forward(ps, new NDList(Activation.gelu(h)), training).singletonOrThrow();
        }
        return new NDList(h.squeeze(-1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {in.slice(0, in.dimension() - 1)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        first.initialize(manager, dataType, in);
        if (second != null) {
            Shape hidden = first.getOutputShapes(new Shape[] {in})[0];
            second.initialize(manager, dataType, hidden);
        }
    }
}
