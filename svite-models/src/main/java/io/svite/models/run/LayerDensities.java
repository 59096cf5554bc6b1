package io.svite.models.run;

import io.svite.models.cost.CostModel;
import io.svite.models.cost.LayerCost;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTBlock;
import io.svite.models.deit.DeiTConfig;

import ai.djl.nn.Parameter;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The effective density of every weight layer of a saved DeiT, whatever made it sparse: non-zero
 * weights that still reach the output, over the weights of the layer in the dense model.
 *
 * <p>A weight counts when it is non-zero and belongs to a working unit: rows of the qkv weight and
 * columns of the proj weight of heads whose gate is non-zero, rows of fc1 and columns of fc2 of
 * neurons whose gate is non-zero. The denominator is the layer's size in the dense architecture of
 * the same width, depth and heads ({@link CostModel}), so a compacted layer shows what it lost.
 * Layer names are the cost model's ({@code block0_attn_qkv}); SViTE's masked weights are exact
 * zeros, so for a SViTE run these are its masks' densities.
 */
public final class LayerDensities {

    private LayerDensities() {}

    /**
     * Computes the densities (reads the weights to the host once).
     *
     * @param deit an initialised DeiT
     * @return density per layer name, in model order
     */
    public static Map<String, Double> of(DeiT deit) {
        DeiTConfig c = deit.config();
        DeiTConfig dense = c.withBlocks(Collections.nCopies(c.depth(), new BlockShape(c.heads(), c.hidden())))
                .withTokenSelection(null);
        Map<String, Long> denseWeights = new HashMap<>();
        for (LayerCost l : CostModel.of(dense).dense().layers()) {
            denseWeights.put(l.name(), l.weights());
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("patch_embed_proj", nonZeros(weight(deit.patchEmbedding().conv())));
        int d = c.headDim();
        for (int b = 0; b < c.depth(); b++) {
            DeiTBlock block = deit.blocks().get(b);
            boolean[] heads = open(block.attention().headGate());
            boolean[] neurons = open(block.mlp().neuronGate());
            int h = heads.length;
            // qkv (3·H·d, D): row s·H·d + j·d + k belongs to head j
            counts.put("block" + b + "_attn_qkv", rows(weight(block.attention().qkv()), c.width(), r -> heads[(r % (h * d)) / d]));
            // proj (D, H·d): column j·d + k reads head j
            counts.put("block" + b + "_attn_proj", cols(weight(block.attention().proj()), h * d, k -> heads[k / d]));
            counts.put("block" + b + "_mlp_fc1", rows(weight(block.mlp().fc1()), c.width(), r -> neurons[r]));
            counts.put("block" + b + "_mlp_fc2", cols(weight(block.mlp().fc2()), neurons.length, k -> neurons[k]));
        }
        counts.put("head", nonZeros(weight(deit.head())));
        Map<String, Double> densities = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            Long size = denseWeights.get(e.getKey());
            if (size == null || size == 0) {
                throw new IllegalStateException("the cost model has no weight layer " + e.getKey());
            }
            densities.put(e.getKey(), (double) e.getValue() / size);
        }
        return densities;
    }

    private static float[] weight(ai.djl.nn.Block layer) {
        return weight(layer.getParameters().get("weight"));
    }

    private static float[] weight(Parameter p) {
        return p.getArray().toFloatArray();
    }

    private static boolean[] open(Parameter gate) {
        float[] g = gate.getArray().toFloatArray();
        boolean[] open = new boolean[g.length];
        for (int j = 0; j < g.length; j++) {
            open[j] = g[j] != 0f;
        }
        return open;
    }

    private static long nonZeros(float[] w) {
        long n = 0;
        for (float v : w) {
            n += v != 0f ? 1 : 0;
        }
        return n;
    }

    /** Non-zeros of a row-major (rows, width) matrix in the rows that count. */
    private static long rows(float[] w, int width, java.util.function.IntPredicate counts) {
        long n = 0;
        for (int r = 0; r < w.length / width; r++) {
            if (!counts.test(r)) {
                continue;
            }
            for (int k = r * width; k < (r + 1) * width; k++) {
                n += w[k] != 0f ? 1 : 0;
            }
        }
        return n;
    }

    /** Non-zeros of a row-major (rows, width) matrix in the columns that count. */
    private static long cols(float[] w, int width, java.util.function.IntPredicate counts) {
        long n = 0;
        for (int k = 0; k < w.length; k++) {
            if (counts.test(k % width) && w[k] != 0f) {
                n++;
            }
        }
        return n;
    }
}
