package io.svite.models.deit;

import io.svite.models.tokens.TokenSelection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The architecture of a DeiT: image and patch geometry, width, depth, heads and MLP size.
 *
 * <p>Shapes: an image (B, channels, imageSize, imageSize) is cut into {@code patches() =
 * (imageSize / patchSize)²} patches, embedded to width {@code width}, prefixed with a class token
 * ({@code tokens() = patches() + 1}), run through {@code depth} pre-norm blocks and classified
 * from the class token into {@code classes} logits. Every head has {@code headDim() = width /
 * heads} dimensions; per-block head counts and hidden sizes ({@link #blocks()}) may be smaller than
 * the dense ones after compaction.
 *
 * <p>With {@link #keptPositions()} (ViT-Slim compaction) the model gathers those k patch tokens
 * before the blocks and its position embedding has k + 1 rows; {@link #patchGates()} adds a
 * per-position gate on the patch tokens. Neither combines with a token selection.
 *
 * <p>With a {@link #tokenSelection()}, a learnable token selector after the position embedding keeps
 * {@link #keptPatches()} = k of the N patches and the blocks run on k + 1 tokens; without one
 * (null) every patch reaches the blocks.
 *
 * @param imageSize side of the square input image in pixels
 * @param channels input channels (3 for RGB, 1 for grey)
 * @param patchSize side of a square patch; must divide {@code imageSize}
 * @param width embedding dimension D
 * @param depth number of transformer blocks
 * @param heads attention heads of the dense model; must divide {@code width}
 * @param mlpRatio MLP hidden size over width in the dense model
 * @param classes number of output classes
 * @param dropPath stochastic-depth rate of the last block (linearly increasing from 0)
 * @param blocks per-block head and hidden-unit counts, one entry per block
 * @param tokenSelection the token selector's settings, or null for no selector
 * @param inputGates whether every block has VTP's input-dimension gates ({@code input_gate} of its
 *     attention and of its MLP: one per dimension qkv or fc1 reads, frozen, value 1)
 * @param patchGates whether the model has ViT-Slim's per-position patch gate ({@code patch_gate},
 *     one entry per patch that reaches the blocks, frozen, value 1), multiplied onto the patch
 *     tokens after the position embedding; the class token is not gated
 * @param keptPositions the patch positions (0 … N − 1, strictly increasing) a compacted model keeps
 *     before the blocks, or null for all N; the position embedding then has k + 1 rows (the class
 *     token's and the kept positions')
 */
public record DeiTConfig(
        int imageSize,
        int channels,
        int patchSize,
        int width,
        int depth,
        int heads,
        double mlpRatio,
        int classes,
        double dropPath,
        List<BlockShape> blocks,
        TokenSelection tokenSelection,
        boolean inputGates,
        boolean patchGates,
        List<Integer> keptPositions) {

    /** Validates every field with a message naming the bad value. */
    public DeiTConfig {
        positive("image size", imageSize);
        positive("channels", channels);
        positive("patch size", patchSize);
        positive("width", width);
        positive("depth", depth);
        positive("heads", heads);
        positive("classes", classes);
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "image size %d is not divisible by the patch size %d; choose a patch"
                                    + " size that divides the image size",
                            imageSize,
                            patchSize));
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException(
                    "width " + width + " is not divisible by the number of heads " + heads);
        }
        if (!(mlpRatio > 0) || Double.isInfinite(mlpRatio)) {
            throw new IllegalArgumentException("MLP ratio must be > 0, got " + mlpRatio);
        }
        if (!(dropPath >= 0 && dropPath < 1)) {
            throw new IllegalArgumentException("drop-path rate must be in [0, 1), got " + dropPath);
        }
        if (blocks == null) {
            blocks = uniformBlocks(depth, heads, (int) Math.round(width * mlpRatio));
        }
        if (blocks.size() != depth) {
            throw new IllegalArgumentException(
                    "expected " + depth + " block shapes (one per block), got " + blocks.size());
        }
        for (BlockShape b : blocks) {
            if (b.heads() > heads) {
                throw new IllegalArgumentException(
                        "a block cannot have more heads (" + b.heads() + ") than the model (" + heads + ")");
            }
            withinWidth(b.attnInputs(), width);
            withinWidth(b.mlpInputs(), width);
        }
        blocks = List.copyOf(blocks);
        if (tokenSelection != null) {
            tokenSelection.keptPatches(patchCount(imageSize, patchSize));
        }
        if (keptPositions != null) {
            keptPositions = checkedPositions(keptPositions, patchCount(imageSize, patchSize));
        }
        if (tokenSelection != null && (patchGates || keptPositions != null)) {
            throw new IllegalArgumentException(
                    "a learned token selection (--tokens) cannot be combined with ViT-Slim's patch gates or kept"
                            + " positions; use one way of dropping patches");
        }
    }

    /**
     * A configuration without patch gates and with every patch position.
     *
     * @param imageSize side of the square input image in pixels
     * @param channels input channels
     * @param patchSize side of a square patch
     * @param width embedding dimension
     * @param depth number of blocks
     * @param heads attention heads of the dense model
     * @param mlpRatio hidden size over width in the dense model
     * @param classes output classes
     * @param dropPath stochastic-depth rate
     * @param blocks per-block shapes, or null for dense blocks
     * @param tokenSelection the token selector's settings, or null
     * @param inputGates whether every block has VTP's input-dimension gates
     */
    public DeiTConfig(
            int imageSize,
            int channels,
            int patchSize,
            int width,
            int depth,
            int heads,
            double mlpRatio,
            int classes,
            double dropPath,
            List<BlockShape> blocks,
            TokenSelection tokenSelection,
            boolean inputGates) {
        this(imageSize, channels, patchSize, width, depth, heads, mlpRatio, classes, dropPath, blocks, tokenSelection,
                inputGates, false, null);
    }

    /**
     * A configuration without input-dimension gates.
     *
     * @param imageSize side of the square input image in pixels
     * @param channels input channels
     * @param patchSize side of a square patch
     * @param width embedding dimension
     * @param depth number of blocks
     * @param heads attention heads of the dense model
     * @param mlpRatio hidden size over width in the dense model
     * @param classes output classes
     * @param dropPath stochastic-depth rate
     * @param blocks per-block shapes, or null for dense blocks
     * @param tokenSelection the token selector's settings, or null
     */
    public DeiTConfig(
            int imageSize,
            int channels,
            int patchSize,
            int width,
            int depth,
            int heads,
            double mlpRatio,
            int classes,
            double dropPath,
            List<BlockShape> blocks,
            TokenSelection tokenSelection) {
        this(imageSize, channels, patchSize, width, depth, heads, mlpRatio, classes, dropPath, blocks, tokenSelection,
                false);
    }

    /**
     * A configuration without a token selector.
     *
     * @param imageSize side of the square input image in pixels
     * @param channels input channels
     * @param patchSize side of a square patch
     * @param width embedding dimension
     * @param depth number of blocks
     * @param heads attention heads of the dense model
     * @param mlpRatio hidden size over width in the dense model
     * @param classes output classes
     * @param dropPath stochastic-depth rate
     * @param blocks per-block shapes, or null for dense blocks
     */
    public DeiTConfig(
            int imageSize,
            int channels,
            int patchSize,
            int width,
            int depth,
            int heads,
            double mlpRatio,
            int classes,
            double dropPath,
            List<BlockShape> blocks) {
        this(imageSize, channels, patchSize, width, depth, heads, mlpRatio, classes, dropPath, blocks, null);
    }

    /**
     * A dense configuration with the same shape in every block.
     *
     * @param imageSize side of the square input image
     * @param channels input channels
     * @param patchSize side of a patch
     * @param width embedding dimension
     * @param depth number of blocks
     * @param heads attention heads
     * @param mlpRatio hidden size over width
     * @param classes output classes
     * @param dropPath stochastic-depth rate
     * @return the configuration, without a token selector
     */
    public static DeiTConfig of(
            int imageSize,
            int channels,
            int patchSize,
            int width,
            int depth,
            int heads,
            double mlpRatio,
            int classes,
            double dropPath) {
        return new DeiTConfig(
                imageSize, channels, patchSize, width, depth, heads, mlpRatio, classes, dropPath, null, null);
    }

    /**
     * DeiT-Tiny: 224 px, patch 16, width 192, depth 12, 3 heads, 1000 classes (5,717,416 params).
     *
     * @return the preset
     */
    public static DeiTConfig tiny() {
        return of(224, 3, 16, 192, 12, 3, 4.0, 1000, 0.1);
    }

    /**
     * DeiT-Small: 224 px, patch 16, width 384, depth 12, 6 heads, 1000 classes (22,050,664
     * params).
     *
     * @return the preset
     */
    public static DeiTConfig small() {
        return of(224, 3, 16, 384, 12, 6, 4.0, 1000, 0.1);
    }

    /**
     * DeiT-Base: 224 px, patch 16, width 768, depth 12, 12 heads, 1000 classes (86,567,656
     * params).
     *
     * @return the preset
     */
    public static DeiTConfig base() {
        return of(224, 3, 16, 768, 12, 12, 4.0, 1000, 0.1);
    }

    /**
     * The small preset for 28×28 grey images with 10 classes (Fashion-MNIST): patch 4 (49 patches),
     * width 96, depth 6, 3 heads of 32 dimensions, MLP ratio 4. It trains in minutes on 2 cores.
     *
     * @return the preset
     */
    public static DeiTConfig mini() {
        return of(28, 1, 4, 96, 6, 3, 4.0, 10, 0.0);
    }

    /**
     * Looks a preset up by name: {@code deit-tiny}, {@code deit-small}, {@code deit-base}, {@code
     * deit-mini}.
     *
     * @param name the preset's name, case-insensitive, with or without the {@code deit-} prefix
     * @return the preset
     * @throws IllegalArgumentException for an unknown name
     */
    public static DeiTConfig preset(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("deit-")) {
            n = n.substring(5);
        }
        switch (n) {
            case "tiny":
                return tiny();
            case "small":
                return small();
            case "base":
                return base();
            case "mini":
                return mini();
            default:
                throw new IllegalArgumentException(
                        "unknown model '" + name + "'; known: " + String.join(", ", presetNames()));
        }
    }

    /**
     * The names {@link #preset(String)} accepts.
     *
     * @return preset names
     */
    public static List<String> presetNames() {
        return List.of("deit-mini", "deit-tiny", "deit-small", "deit-base");
    }

    /**
     * Number of image patches N.
     *
     * @return (imageSize / patchSize)²
     */
    public int patches() {
        return patchCount(imageSize, patchSize);
    }

    /**
     * Patches that reach the blocks: k with kept positions or a token selector, N without.
     *
     * @return k or N
     */
    public int keptPatches() {
        if (keptPositions != null) {
            return keptPositions.size();
        }
        return tokenSelection == null ? patches() : tokenSelection.keptPatches(patches());
    }

    /**
     * Rows of the position embedding: N + 1, or k + 1 with {@link #keptPositions()}.
     *
     * @return the class token's row plus one per patch position the model keeps
     */
    public int positionRows() {
        return keptPositions == null ? tokens() : keptPositions.size() + 1;
    }

    /**
     * This configuration with or without ViT-Slim's per-position patch gate.
     *
     * @param gates true for a {@code patch_gate} on the patch tokens
     * @return a new configuration
     * @throws IllegalArgumentException if the configuration has a token selection
     */
    public DeiTConfig withPatchGates(boolean gates) {
        return new DeiTConfig(
                imageSize, channels, patchSize, width, depth, heads, mlpRatio, classes, dropPath, blocks,
                tokenSelection, inputGates, gates, keptPositions);
    }

    /**
     * This configuration keeping only some patch positions before the blocks (used by compaction).
     *
     * @param positions strictly increasing positions in 0 … N − 1, or null for all
     * @return a new configuration
     * @throws IllegalArgumentException for positions out of range, unsorted or empty, or with a token
     *     selection
     */
    public DeiTConfig withKeptPositions(List<Integer> positions) {
        return new DeiTConfig(
                imageSize, channels, patchSize, width, depth, heads, mlpRatio, classes, dropPath, blocks,
                tokenSelection, inputGates, patchGates, positions);
    }

    /**
     * Whether a token selector shortens the sequence.
     *
     * @return true with a token selection
     */
    public boolean hasTokenSelection() {
        return tokenSelection != null;
    }

    /**
     * Sequence length of the dense model, patches plus the class token.
     *
     * @return N + 1
     */
    public int tokens() {
        return patches() + 1;
    }

    /**
     * Dimensions per attention head.
     *
     * @return width / heads
     */
    public int headDim() {
        return width / heads;
    }

    /**
     * Hidden units of a dense MLP.
     *
     * @return round(width · mlpRatio)
     */
    public int hidden() {
        return (int) Math.round(width * mlpRatio);
    }

    /**
     * Whether every block has all heads and all hidden units.
     *
     * @return true for a dense architecture
     */
    public boolean isDense() {
        for (BlockShape b : blocks) {
            if (b.heads() != heads || b.hidden() != hidden() || b.attnInputs() != null || b.mlpInputs() != null) {
                return false;
            }
        }
        return keptPositions == null;
    }

    /**
     * This configuration with other per-block shapes (used by compaction).
     *
     * @param newBlocks one shape per block
     * @return a new configuration
     */
    public DeiTConfig withBlocks(List<BlockShape> newBlocks) {
        return new DeiTConfig(
                imageSize, channels, patchSize, width, depth, heads, mlpRatio, classes, dropPath, newBlocks,
                tokenSelection, inputGates, patchGates, keptPositions);
    }

    /**
     * This configuration with another depth, every block dense.
     *
     * @param newDepth number of blocks
     * @return a new configuration
     */
    public DeiTConfig withDepth(int newDepth) {
        return new DeiTConfig(
                imageSize, channels, patchSize, width, newDepth, heads, mlpRatio, classes, dropPath, null,
                tokenSelection, inputGates, patchGates, keptPositions);
    }

    /**
     * This configuration with another number of classes.
     *
     * @param newClasses number of output classes
     * @return a new configuration
     */
    public DeiTConfig withClasses(int newClasses) {
        return new DeiTConfig(
                imageSize, channels, patchSize, width, depth, heads, mlpRatio, newClasses, dropPath, blocks,
                tokenSelection, inputGates, patchGates, keptPositions);
    }

    /**
     * This configuration for other input images.
     *
     * @param newImageSize side of the image
     * @param newChannels input channels
     * @return a new configuration
     */
    public DeiTConfig withInput(int newImageSize, int newChannels) {
        return new DeiTConfig(
                newImageSize, newChannels, patchSize, width, depth, heads, mlpRatio, classes, dropPath, blocks,
                tokenSelection, inputGates, patchGates, keptPositions);
    }

    /**
     * This configuration with another drop-path rate.
     *
     * @param rate stochastic-depth rate of the last block
     * @return a new configuration
     */
    public DeiTConfig withDropPath(double rate) {
        return new DeiTConfig(
                imageSize, channels, patchSize, width, depth, heads, mlpRatio, classes, rate, blocks,
                tokenSelection, inputGates, patchGates, keptPositions);
    }

    /**
     * This configuration with a token selector after the position embedding (SViTE+), or without
     * one.
     *
     * @param selection how many patches to keep and how to learn the choice; null removes the
     *     selector
     * @return a new configuration
     * @throws IllegalArgumentException if the selection keeps more patches than the model has
     */
    public DeiTConfig withTokenSelection(TokenSelection selection) {
        return new DeiTConfig(
                imageSize, channels, patchSize, width, depth, heads, mlpRatio, classes, dropPath, blocks,
                selection, inputGates, patchGates, keptPositions);
    }

    /**
     * This configuration with or without VTP's input-dimension gates in every block.
     *
     * @param gates true for gates on the dimensions qkv and fc1 read
     * @return a new configuration
     */
    public DeiTConfig withInputGates(boolean gates) {
        return new DeiTConfig(
                imageSize, channels, patchSize, width, depth, heads, mlpRatio, classes, dropPath, blocks,
                tokenSelection, gates, patchGates, keptPositions);
    }

    private static List<Integer> checkedPositions(List<Integer> positions, int patches) {
        if (positions.isEmpty()) {
            throw new IllegalArgumentException("kept positions must name at least one patch position, got none");
        }
        int previous = -1;
        for (Integer p : positions) {
            if (p == null || p <= previous || p >= patches) {
                throw new IllegalArgumentException(
                        "kept positions must be strictly increasing in 0.." + (patches - 1) + ", got " + positions);
            }
            previous = p;
        }
        return List.copyOf(positions);
    }

    private static void withinWidth(List<Integer> inputs, int width) {
        if (inputs != null && inputs.get(inputs.size() - 1) >= width) {
            throw new IllegalArgumentException(
                    "a block reads dimension " + inputs.get(inputs.size() - 1) + " but the width is " + width);
        }
    }

    private static List<BlockShape> uniformBlocks(int depth, int heads, int hidden) {
        List<BlockShape> list = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            list.add(new BlockShape(heads, Math.max(1, hidden)));
        }
        return Collections.unmodifiableList(list);
    }

    private static int patchCount(int imageSize, int patchSize) {
        int side = imageSize / patchSize;
        return side * side;
    }

    private static void positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + value);
        }
    }
}
