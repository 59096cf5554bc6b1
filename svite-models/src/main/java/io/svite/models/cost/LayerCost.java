package io.svite.models.cost;

/**
 * The parameters and multiply-accumulates of one layer at a given density.
 *
 * @param name layer name, matching the model's parameter names without DJL's prefixes (e.g.
 *     {@code block0_attn_qkv}); {@code block0_attn_matmul} for the two attention products
 * @param kind what the layer is
 * @param weights entries of the layer's weight tensor (0 for the attention products)
 * @param density fraction of the weight entries that are non-zero
 * @param otherParams parameters counted dense (biases, norms, tokens)
 * @param tokens how many tokens the layer is applied to
 * @param macs multiply-accumulates for one image at this density
 * @param denseMacs multiply-accumulates of the dense layer on the dense sequence
 */
public record LayerCost(
        String name,
        Kind kind,
        long weights,
        double density,
        long otherParams,
        long tokens,
        double macs,
        double denseMacs) {

    /** The layer families of a DeiT. */
    public enum Kind {
        /** The patch-embedding convolution, applied once per patch. */
        PATCH_EMBED,
        /** The fused query-key-value projection. */
        QKV,
        /** The two attention products q·kᵀ and A·v. */
        ATTENTION,
        /** The attention output projection. */
        PROJ,
        /** The first MLP layer. */
        FC1,
        /** The second MLP layer. */
        FC2,
        /** The classifier, applied to the class token. */
        HEAD,
        /** The token selector's scorer. */
        TOKEN_SCORER,
        /** LayerNorms, class token, position embedding: dense parameters without MACs here. */
        OTHER
    }

    /**
     * Parameters of this layer: density × weights + the dense ones, rounded to whole entries.
     *
     * @return parameter count
     */
    public long params() {
        return Math.round(density * weights) + otherParams;
    }
}
