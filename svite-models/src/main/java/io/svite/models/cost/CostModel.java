package io.svite.models.cost;

import io.svite.models.cost.LayerCost.Kind;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.tokens.ScorerShape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Counts the parameters and multiply-accumulates (MACs) of a DeiT as the SViTE paper does.
 *
 * <p>Convention: every weight layer costs density × (weight entries × tokens it is applied to) —
 * the patches for the patch embedding, all T = k + 1 tokens for qkv, proj, fc1 and fc2, the class
 * token for the classifier — plus the two attention products 2·T²·(H·d) per block, counted dense.
 * Parameters are density × every weight plus every dense parameter (biases, norms, class token,
 * position embedding: N + 1 rows, or k + 1 with kept positions). Gates are masks, not parameters.
 * With k of N patches kept, the linear layers scale with k + 1 and the attention products with
 * (k + 1)²; the patch embedding always runs on all N patches.
 *
 * <p>A structured model is costed through its configuration's per-block {@link BlockShape}s (heads,
 * hidden units, and the input dimensions qkv and fc1 read after VTP compaction); an
 * unstructured one through per-layer densities keyed by layer name ({@code patch_embed_proj},
 * {@code block3_attn_qkv}, {@code block3_attn_proj}, {@code block3_mlp_fc1}, {@code
 * block3_mlp_fc2}, {@code head}).
 *
 * <p>A configuration with a token selection ({@link DeiTConfig#tokenSelection()}) is costed, by
 * default, with its k kept patches and its scorer ({@code token_selector_scorer}: weights × N
 * patches, since every patch is scored); {@link #dense()} stays the dense baseline on all patches
 * without a scorer, which is what savings are measured against.
 */
public final class CostModel {

    private final DeiTConfig config;

    private CostModel(DeiTConfig config) {
        this.config = config;
    }

    /**
     * A cost model for an architecture.
     *
     * @param config the architecture, dense or compacted
     * @return the cost model
     */
    public static CostModel of(DeiTConfig config) {
        return new CostModel(config);
    }

    /**
     * The cost of the model with all weights dense, all patches kept and no token scorer: the
     * baseline every saving is measured against.
     *
     * @return the cost report
     */
    public CostReport dense() {
        return estimate(Map.of(), config.patches(), false);
    }

    /**
     * The cost of this configuration with all weights dense: with a token selection, k kept
     * patches and the scorer; without one, the same as {@link #dense()}.
     *
     * @return the cost report
     */
    public CostReport estimate() {
        return estimate(Map.of());
    }

    /**
     * The cost at the given per-layer densities with the configuration's kept patches (k with a
     * token selection, else N) and its scorer, if any.
     *
     * @param densities density per layer name; layers not named are dense
     * @return the cost report
     */
    public CostReport estimate(Map<String, Double> densities) {
        return estimate(densities, config.keptPatches());
    }

    /**
     * The cost at the given per-layer densities with {@code keptPatches} patches reaching the
     * blocks, counting the scorer if the configuration has a token selection.
     *
     * @param densities density per layer name in [0, 1]; layers not named are dense
     * @param keptPatches patches kept by a token selector, 1 … N
     * @return the cost report
     * @throws IllegalArgumentException for a density outside [0, 1], an unknown layer name or a
     *     patch count outside 1 … N
     */
    public CostReport estimate(Map<String, Double> densities, int keptPatches) {
        return estimate(densities, keptPatches, config.hasTokenSelection());
    }

    /**
     * The cost including the token scorer (over all N patch tokens) when {@code withScorer} is
     * true: the configuration's scorer, or a linear one (D → 1) if it has no token selection.
     *
     * @param densities density per layer name in [0, 1]; layers not named are dense
     * @param keptPatches patches kept by a token selector, 1 … N
     * @param withScorer whether to count a token scorer
     * @return the cost report
     */
    public CostReport estimate(Map<String, Double> densities, int keptPatches, boolean withScorer) {
        int n = config.patches();
        if (keptPatches < 1 || keptPatches > n) {
            throw new IllegalArgumentException(
                    "kept patches must be in 1.." + n + " for this model, got " + keptPatches);
        }
        List<String> known = weightLayerNames();
        for (Map.Entry<String, Double> e : densities.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new IllegalArgumentException(
                        "unknown layer '" + e.getKey() + "'; layers are " + known);
            }
            double d = e.getValue();
            if (!(d >= 0 && d <= 1)) {
                throw new IllegalArgumentException(
                        "density of " + e.getKey() + " must be in [0, 1], got " + d);
            }
        }
        long width = config.width();
        long denseHd = (long) config.heads() * config.headDim();
        long t = keptPatches + 1L;
        long tDense = n + 1L;
        List<LayerCost> layers = new ArrayList<>();
        long patchIn = (long) config.channels() * config.patchSize() * config.patchSize();
        layers.add(linear(densities, "patch_embed_proj", Kind.PATCH_EMBED, width, patchIn, n, n, width * patchIn));
        layers.add(
                new LayerCost(
                        "embeddings", Kind.OTHER, 0, 1, width + (long) config.positionRows() * width, 0, 0, 0));
        if (withScorer) {
            ScorerShape scorer =
                    config.hasTokenSelection() ? config.tokenSelection().scorer() : ScorerShape.linear();
            long weights = scorer.weights(width);
            layers.add(
                    new LayerCost(
                            "token_selector_scorer", Kind.TOKEN_SCORER, weights, 1, scorer.biases(), n,
                            (double) n * weights, 0));
        }
        for (int i = 0; i < config.depth(); i++) {
            BlockShape b = config.blocks().get(i);
            long hd = (long) b.heads() * config.headDim();
            String p = "block" + i + "_";
            layers.add(new LayerCost(p + "norms", Kind.OTHER, 0, 1, 4 * width, 0, 0, 0));
            layers.add(linear(densities, p + "attn_qkv", Kind.QKV, 3 * hd, b.attnInputCount(config.width()), t, tDense,
                    3 * denseHd * width));
            layers.add(
                    new LayerCost(
                            p + "attn_matmul",
                            Kind.ATTENTION,
                            0,
                            1,
                            0,
                            t,
                            2.0 * t * t * hd,
                            2.0 * tDense * tDense * denseHd));
            layers.add(linear(densities, p + "attn_proj", Kind.PROJ, width, hd, t, tDense, width * denseHd));
            layers.add(linear(densities, p + "mlp_fc1", Kind.FC1, b.hidden(), b.mlpInputCount(config.width()), t, tDense,
                    (long) config.hidden() * width));
            layers.add(linear(densities, p + "mlp_fc2", Kind.FC2, width, b.hidden(), t, tDense, width * config.hidden()));
        }
        layers.add(new LayerCost("norm", Kind.OTHER, 0, 1, 2 * width, 0, 0, 0));
        layers.add(linear(densities, "head", Kind.HEAD, config.classes(), width, 1, 1, config.classes() * width));
        return new CostReport(layers, keptPatches, n, denseParams());
    }

    /**
     * Names of the weight layers a density can be given for, in model order.
     *
     * @return layer names
     */
    public List<String> weightLayerNames() {
        List<String> names = new ArrayList<>();
        names.add("patch_embed_proj");
        for (int i = 0; i < config.depth(); i++) {
            names.add("block" + i + "_attn_qkv");
            names.add("block" + i + "_attn_proj");
            names.add("block" + i + "_mlp_fc1");
            names.add("block" + i + "_mlp_fc2");
        }
        names.add("head");
        return names;
    }

    /**
     * Parameters of the dense model of this configuration's width, depth and heads (every block
     * with all heads and hidden units), gates excluded.
     *
     * @return parameter count
     */
    public long denseParams() {
        long w = config.width();
        long hidden = config.hidden();
        long patchIn = (long) config.channels() * config.patchSize() * config.patchSize();
        long perBlock = 4 * w + (3 * w * w + 3 * w) + (w * w + w) + (hidden * w + hidden) + (w * hidden + w);
        return (w * patchIn + w) + w + (long) config.tokens() * w + config.depth() * perBlock + 2 * w
                + (config.classes() * w + config.classes());
    }

    /**
     * A linear layer of (out × in) weights applied to {@code tokens} tokens; its dense counterpart
     * has {@code denseWeights} weights (more when heads or neurons were compacted away) applied to
     * {@code denseTokens} tokens. The bias (out entries) is a dense parameter.
     */
    private static LayerCost linear(
            Map<String, Double> densities,
            String name,
            Kind kind,
            long out,
            long in,
            long tokens,
            long denseTokens,
            long denseWeights) {
        double d = densities.getOrDefault(name, 1.0);
        long weights = out * in;
        return new LayerCost(name, kind, weights, d, out, tokens, d * weights * tokens, (double) denseWeights * denseTokens);
    }
}
