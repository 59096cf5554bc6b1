package io.svite.models.deit;

import io.svite.core.ndarray.Scalars;
import io.svite.models.tokens.TokenSelector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A Data-efficient image Transformer (DeiT) classifier with gated heads and MLP neurons.
 *
 * <p>Shapes: images (B, C, S, S) → patch embedding (B, N, D) → prepend the class token and add
 * the position embedding (B, N+1, D) → [token selector (B, k+1, D)] → {@code depth} {@link
 * DeiTBlock}s → LayerNorm → the class token (B, D) → linear head → logits (B, classes).
 *
 * <pre>
 *   x = [cls; patchEmbed(img)[:, P]] + pos   P: kept positions, all N by default
 *   x[:, 1:] *= patch_gate            only with patch gates
 *   x = select(x)                     only with a token selection: keeps the class token and k patches
 *   x = blocks(x)
 *   logits = head(norm(x)[:, 0])
 * </pre>
 *
 * <p>With {@link DeiTConfig#keptPositions()} only those patch tokens (and their position-embedding
 * rows) reach the blocks; with {@link DeiTConfig#patchGates()} the patch tokens are multiplied by
 * {@code patch_gate} (k) after the position embedding, the class token by 1 (ViT-Slim's patch mask),
 * and a patch whose gate is exactly 0 is also masked out as a key in every block's attention, so
 * gating a position to 0 computes what dropping it computes (the class token's output is exact).
 *
 * <p>With a {@link DeiTConfig#tokenSelection()} the model has a {@link TokenSelector} (child
 * {@code token_selector}) and every block runs on k + 1 tokens instead of N + 1.
 *
 * <p>Initialisation follows DeiT: linear weights, the class token and the position embedding from
 * a normal with σ = 0.02 truncated at ±2σ; biases zero; LayerNorm scale 1 and shift 0. All gates are
 * 1, which is the plain dense model.
 */
public final class DeiT extends AbstractBlock {

    private static final byte VERSION = 1;

    private final DeiTConfig config;
    private final PatchEmbedding patchEmbed;
    private final TokenSelector selector;
    private final Parameter clsToken;
    private final Parameter posEmbed;
    private final Parameter patchGate;
    private final long[] keptPositions;
    private final List<DeiTBlock> blocks;
    private final LayerNorm norm;
    private final Linear head;

    private DeiT(Builder builder) {
        super(VERSION);
        config = builder.config;
        int width = config.width();
        patchEmbed = addChildBlock("patch_embed", new PatchEmbedding(config.patchSize(), width));
        selector =
                config.hasTokenSelection()
                        ? addChildBlock("token_selector", TokenSelector.of(config.tokenSelection(), config.patches()))
                        : null;
        clsToken =
                addParameter(
                        Parameter.builder()
                                .setName("cls_token")
                                .setType(Parameter.Type.OTHER)
                                .optShape(new Shape(1, 1, width))
                                .optInitializer(new TruncatedNormalInitializer(0.02f))
                                .build());
        posEmbed =
                addParameter(
                        Parameter.builder()
                                .setName("pos_embed")
                                .setType(Parameter.Type.OTHER)
                                .optShape(new Shape(1, config.positionRows(), width))
                                .optInitializer(new TruncatedNormalInitializer(0.02f))
                                .build());
        patchGate = config.patchGates() ? addParameter(Gates.create("patch_gate", config.keptPatches())) : null;
        keptPositions = Gates.indices(config.keptPositions());
        List<DeiTBlock> list = new ArrayList<>();
        for (int i = 0; i < config.depth(); i++) {
            double rate = config.depth() == 1 ? 0 : config.dropPath() * i / (config.depth() - 1);
            list.add(
                    addChildBlock(
                            "block" + i,
                            new DeiTBlock(width, config.blocks().get(i), config.headDim(), rate, config.inputGates())));
        }
        blocks = Collections.unmodifiableList(list);
        norm = addChildBlock("norm", DeiTBlock.layerNorm());
        head = addChildBlock("head", Linear.builder().setUnits(config.classes()).build());
        head.setInitializer(new TruncatedNormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Shortcut for {@code builder().setConfig(config).build()}.
     *
     * @param config the architecture
     * @return an uninitialised model block
     */
    public static DeiT of(DeiTConfig config) {
        return builder().setConfig(config).build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = forwardFeatures(ps, inputs.head(), training);
        return forwardHead(ps, tokens, training);
    }

    /**
     * Runs the embedding and the blocks.
     *
     * @param ps the parameter store
     * @param images images (B, C, S, S)
     * @param training whether this is a training pass
     * @return normalised tokens (B, k+1, D); k = N without a token selector
     */
    public NDArray forwardFeatures(ParameterStore ps, NDArray images, boolean training) {
        NDArray x = embed(ps, images, training);
        if (selector != null) {
            x = selector.forward(ps, new NDList(x), training).head();
        }
        NDArray keyMask = patchGate == null ? null : keyMask(ps, x, training);
        for (DeiTBlock block : blocks) {
            if (training) {
                x = block.forward(ps, blockInput(x, keyMask), true).head();
            } else {
                x = inferScoped(ps, block, x, keyMask);
            }
        }
        return norm.forward(ps, new NDList(x), training).head();
    }

    /**
     * Runs one block in evaluation mode and frees its intermediate arrays (and its input, an
     * activation of this forward pass) as soon as its output exists, so inference memory does not
     * grow with depth: without this, every attention matrix and MLP hidden activation of every block
     * lives until the caller closes the batch (about 10 GB for DeiT-Small at batch 64).
     */
    private static NDArray inferScoped(ParameterStore ps, DeiTBlock block, NDArray x, NDArray keyMask) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            x.attach(scope);
            NDArray y = block.forward(ps, blockInput(x, keyMask), false).head();
            y.attach(parent);
            return y;
        }
    }

    private static NDList blockInput(NDArray x, NDArray keyMask) {
        return keyMask == null ? new NDList(x) : new NDList(x, keyMask);
    }

    /**
     * The additive key mask (1, 1, 1, k+1) of the patch gate: −10⁹ where the gate is exactly 0, else 0
     * (the class token is never masked). A patch gated to 0 then reaches no other token, which is what
     * removing it does, so the gated model equals the model that drops those positions. It carries no
     * gradient (the comparison has none).
     */
    private NDArray keyMask(ParameterStore ps, NDArray x, boolean training) {
        NDManager m = x.getManager();
        // detached in the batch's manager: an op on the parameter's own array would land in the model's
        NDArray gate = ps.getValue(patchGate, x.getDevice(), training).stopGradient();
        gate.attach(m);
        NDArray closed = m.zeros(new Shape(1), x.getDataType()).toDevice(x.getDevice(), false)
                .concat(gate.eq(0).toType(x.getDataType(), false));
        return closed.mul(Scalars.like(closed, -1e9f)).reshape(1, 1, 1, -1);
    }

    /**
     * Classifies from the class token.
     *
     * @param ps the parameter store
     * @param tokens normalised tokens (B, T, D)
     * @param training whether this is a training pass
     * @return logits (B, classes)
     */
    public NDList forwardHead(ParameterStore ps, NDArray tokens, boolean training) {
        NDArray cls = tokens.get(":, 0, :");
        return head.forward(ps, new NDList(cls), training);
    }

    /**
     * The patches the token selector keeps for each image in evaluation mode (deterministic top-k).
     *
     * @param ps the parameter store
     * @param images images (B, C, S, S)
     * @return kept patch indices (B, k) in 0 … N − 1, int64, increasing along each row; patch i
     *     is row i / (S/p), column i % (S/p) of the patch grid
     * @throws IllegalStateException if this model has no token selector
     */
    public NDArray keptPatchIndices(ParameterStore ps, NDArray images) {
        if (selector == null) {
            throw new IllegalStateException(
                    "this DeiT has no token selector; build it from DeiTConfig.withTokenSelection(...)");
        }
        return selector.select(ps, embed(ps, images, false), false).keptIndices();
    }

    /**
     * [cls; patchEmbed(images)[:, P]] + pos, then the patch tokens times the patch gate: (B, C, S, S)
     * → (B, k+1, D), with P the kept positions (all N without them).
     */
    private NDArray embed(ParameterStore ps, NDArray images, boolean training) {
        NDArray patches = patchEmbed.forward(ps, new NDList(images), training).head();
        if (keptPositions != null) {
            NDArray idx = patches.getManager().create(keptPositions).toDevice(patches.getDevice(), false);
            patches = patches.get(new NDIndex(":, {}, :", idx));
        }
        NDArray x = addClassToken(ps, patches, training);
        x = x.add(ps.getValue(posEmbed, x.getDevice(), training));
        if (patchGate == null) {
            return x;
        }
        NDArray gate = ps.getValue(patchGate, x.getDevice(), training);
        NDArray withCls = x.getManager().ones(new Shape(1), x.getDataType()).toDevice(x.getDevice(), false).concat(gate);
        return x.mul(withCls.reshape(1, -1, 1));
    }

    private NDArray addClassToken(ParameterStore ps, NDArray patches, boolean training) {
        Shape s = patches.getShape();
        NDArray cls = ps.getValue(clsToken, patches.getDevice(), training);
        NDArray clsPerImage = patches.getManager().zeros(new Shape(s.get(0), 1, s.get(2)), patches.getDataType()).add(cls);
        return NDArrays.concat(new NDList(clsPerImage, patches), 1);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.classes())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape images = inputShapes[0];
        long b = images.get(0);
        patchEmbed.initialize(manager, dataType, images);
        Shape allTokens = new Shape(b, config.tokens(), config.width());
        if (selector != null) {
            selector.initialize(manager, dataType, allTokens);
        }
        Shape tokens = new Shape(b, config.keptPatches() + 1L, config.width());
        for (DeiTBlock block : blocks) {
            block.initialize(manager, dataType, tokens);
        }
        norm.initialize(manager, dataType, tokens);
        head.initialize(manager, dataType, new Shape(b, config.width()));
    }

    /**
     * The architecture this model was built from.
     *
     * @return the configuration
     */
    public DeiTConfig config() {
        return config;
    }

    /**
     * The token selector between the position embedding and the blocks, if the configuration has
     * a token selection.
     *
     * @return the selector, or empty
     */
    public Optional<TokenSelector> tokenSelector() {
        return Optional.ofNullable(selector);
    }

    /**
     * The transformer blocks, in order.
     *
     * @return an unmodifiable list of blocks
     */
    public List<DeiTBlock> blocks() {
        return blocks;
    }

    /**
     * The patch embedding.
     *
     * @return the patch embedding
     */
    public PatchEmbedding patchEmbedding() {
        return patchEmbed;
    }

    /**
     * The classifier.
     *
     * @return the head, weight (classes, D)
     */
    public Linear head() {
        return head;
    }

    /**
     * The final LayerNorm.
     *
     * @return norm
     */
    public LayerNorm norm() {
        return norm;
    }

    /**
     * The class token, shape (1, 1, D).
     *
     * @return the parameter
     */
    public Parameter clsToken() {
        return clsToken;
    }

    /**
     * The position embedding, shape (1, N+1, D), or (1, k+1, D) with kept positions.
     *
     * @return the parameter
     */
    public Parameter posEmbedding() {
        return posEmbed;
    }

    /**
     * ViT-Slim's per-position patch gate (k), if the configuration has patch gates.
     *
     * @return the gate, or empty
     */
    public Optional<Parameter> patchGate() {
        return Optional.ofNullable(patchGate);
    }

    /** Builds a {@link DeiT}. */
    public static final class Builder {

        private DeiTConfig config;

        private Builder() {}

        /**
         * Sets the architecture (required).
         *
         * @param config a preset such as {@link DeiTConfig#tiny()} or a free configuration
         * @return this builder
         */
        public Builder setConfig(DeiTConfig config) {
            this.config = config;
            return this;
        }

        /**
         * Builds the model block.
         *
         * @return an uninitialised DeiT
         * @throws IllegalStateException if no configuration was set
         */
        public DeiT build() {
            if (config == null) {
                throw new IllegalStateException("DeiT.builder() needs setConfig(...)");
            }
            return new DeiT(this);
        }
    }
}
