package io.svite.models.deit;

import io.svite.core.ndarray.Scalars;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-norm transformer block, as in timm's {@code Block}.
 *
 * <pre>
 *   x = x + dropPath(attn(norm1(x)))
 *   x = x + dropPath(mlp(norm2(x)))
 * </pre>
 *
 * <p>Input and output are (B, N, D); an optional second input, the additive key mask (1, 1, 1, N),
 * is passed to the attention (see {@link GatedAttention}). LayerNorm is per token (over D, ε = 1e-6). Drop-path zeroes
 * a whole residual branch per sample with probability {@code dropPath} during training and scales
 * the kept ones by 1/(1 − dropPath).
 */
public final class DeiTBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final LayerNorm norm1;
    private final GatedAttention attn;
    private final LayerNorm norm2;
    private final GatedMlp mlp;
    private final float dropPath;

    /**
     * Creates a block.
     *
     * @param width model width D
     * @param shape heads and hidden units of this block
     * @param headDim dimensions per head
     * @param dropPath stochastic-depth rate of this block, in [0, 1)
     */
    public DeiTBlock(int width, BlockShape shape, int headDim, double dropPath) {
        this(width, shape, headDim, dropPath, false);
    }

    /**
     * Creates a block, optionally with VTP's input-dimension gates on its attention and MLP.
     *
     * @param width model width D
     * @param shape heads, hidden units and the dimensions attention and MLP read
     * @param headDim dimensions per head
     * @param dropPath stochastic-depth rate of this block, in [0, 1)
     * @param inputGates whether attention and MLP gate the dimensions they read
     */
    public DeiTBlock(int width, BlockShape shape, int headDim, double dropPath, boolean inputGates) {
        super(VERSION);
        norm1 = addChildBlock("norm1", layerNorm());
        attn = addChildBlock("attn", new GatedAttention(width, shape.heads(), headDim, shape.attnInputs(), inputGates));
        norm2 = addChildBlock("norm2", layerNorm());
        mlp = addChildBlock("mlp", new GatedMlp(width, shape.hidden(), shape.mlpInputs(), inputGates));
        this.dropPath = (float) dropPath;
    }

    static LayerNorm layerNorm() {
        return LayerNorm.builder().axis(2).optEpsilon(1e-6f).build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDList normed = norm1.forward(ps, new NDList(x), training);
        if (inputs.size() > 1) {
            normed = new NDList(normed.head(), inputs.get(1));
        }
        NDArray a = attn.forward(ps, normed, training).head();
        x = x.add(dropPath(a, training));
        NDArray m = mlp.forward(ps, norm2.forward(ps, new NDList(x), training), training).head();
        return new NDList(x.add(dropPath(m, training)));
    }

    private NDArray dropPath(NDArray branch, boolean training) {
        if (!training || dropPath == 0f) {
            return branch;
        }
        float keep = 1f - dropPath;
        Shape perSample = new Shape(branch.getShape().get(0), 1, 1);
        NDArray keepMask =
                branch.getManager()
                        .randomUniform(0f, 1f, perSample, branch.getDataType(), branch.getDevice())
                        .lt(keep)
                        .toType(branch.getDataType(), false);
        keepMask = keepMask.div(Scalars.like(keepMask, keep));
        return branch.mul(keepMask);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        norm1.initialize(manager, dataType, in);
        attn.initialize(manager, dataType, in);
        norm2.initialize(manager, dataType, in);
        mlp.initialize(manager, dataType, in);
    }

    /**
     * The attention sub-block.
     *
     * @return attn
     */
    public GatedAttention attention() {
        return attn;
    }

    /**
     * The MLP sub-block.
     *
     * @return mlp
     */
    public GatedMlp mlp() {
        return mlp;
    }

    /**
     * The LayerNorm before attention.
     *
     * @return norm1
     */
    public LayerNorm norm1() {
        return norm1;
    }

    /**
     * The LayerNorm before the MLP.
     *
     * @return norm2
     */
    public LayerNorm norm2() {
        return norm2;
    }

    /**
     * The shape of this block's prunable parts.
     *
     * @return heads and hidden units
     */
    public BlockShape shape() {
        return new BlockShape(attn.heads(), mlp.hidden(), attn.inputs(), mlp.inputs());
    }
}
