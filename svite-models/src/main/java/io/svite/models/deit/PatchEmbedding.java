package io.svite.models.deit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Cuts an image into non-overlapping square patches and embeds each one linearly.
 *
 * <p>Shapes: (B, C, H, W) → convolution with kernel and stride p → (B, D, H/p, W/p) → (B, N, D)
 * with N = (H/p)·(W/p). The convolution weight is (D, C, p, p).
 */
public final class PatchEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int width;
    private final Conv2d proj;

    /**
     * Creates the embedding.
     *
     * @param patchSize side of a patch p
     * @param width embedding dimension D
     */
    public PatchEmbedding(int patchSize, int width) {
        super(VERSION);
        this.width = width;
        proj =
                addChildBlock(
                        "proj",
                        Conv2d.builder()
                                .setKernelShape(new Shape(patchSize, patchSize))
                                .optStride(new Shape(patchSize, patchSize))
                                .setFilters(width)
                                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray grid = proj.forward(ps, inputs, training).singletonOrThrow();
        long b = grid.getShape().get(0);
        return new NDList(grid.reshape(b, width, -1).transpose(0, 2, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape grid = proj.getOutputShapes(inputShapes)[0];
        return new Shape[] {new Shape(grid.get(0), grid.get(2) * grid.get(3), width)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        proj.initialize(manager, dataType, inputShapes);
    }

    /**
     * The patch convolution, weight (D, C, p, p).
     *
     * @return the convolution
     */
    public Conv2d conv() {
        return proj;
    }
}
