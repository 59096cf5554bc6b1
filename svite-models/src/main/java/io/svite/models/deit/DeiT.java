package io.svite.models.deit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;

import io.svite.models.tokens.TokenSelector;

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
 *   x = [cls; patchEmbed(img)] + pos
 *   x = select(x)                     only with a token selection: keeps the class token and k patches
 *   x = blocks(x)
 *   logits = head(norm(x)[:, 0])
 * </pre>
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
                                .optShape(new Shape(1, config.tokens(), width))
                                .optInitializer(new TruncatedNormalInitializer(0.02f))
                                .build());
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
        for (DeiTBlock block : blocks) {
            if (training) {
                x = block.forward(ps, new NDList(x), true).head();
            } else {
                x = inferScoped(ps, block, x);
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
    private static NDArray inferScoped(ParameterStore ps, DeiTBlock block, NDArray x) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            x.attach(scope);
            NDArray y = block.forward(ps, new NDList(x), false).head();
            y.attach(parent);
            return y;
        }
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

    /** [cls; patchEmbed(images)] + pos: (B, C, S, S) → (B, N+1, D). */
    private NDArray embed(ParameterStore ps, NDArray images, boolean training) {
        NDArray patches = patchEmbed.forward(ps, new NDList(images), training).head();
        NDArray x = addClassToken(ps, patches, training);
        return x.add(ps.getValue(posEmbed, x.getDevice(), training));
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
     * The position embedding, shape (1, N+1, D).
     *
     * @return the parameter
     */
    public Parameter posEmbedding() {
        return posEmbed;
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
