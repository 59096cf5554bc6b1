package io.svite.models.compact;

import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;

import java.util.List;

/**
 * How many attention heads and MLP neurons each block of a DeiT keeps under a structured budget.
 *
 * <p>Counts are taken from the dense architecture (H heads and M = round(D · mlpRatio) neurons per
 * block, whatever the configuration's current block shapes are) and rounded down, as the SViTE
 * reference does: a fraction a of the heads keeps ⌊H·a⌋ heads and a fraction o of the neurons
 * keeps ⌊M·o⌋ neurons (DeiT-Small with a = 0.7, o = 0.6 keeps ⌊6·0.7⌋ = 4 of 6 heads and
 * ⌊1536·0.6⌋ = 921 of 1536 neurons). A product within 10⁻⁹ below a whole number counts as that
 * number, so 100 · 0.29 keeps 29, not 28. A budget that leaves a block without a head or a neuron
 * is an error.
 *
 * <p>A single structured sparsity s is the fraction of the blocks' structured weights (qkv, proj,
 * fc1, fc2) removed, before rounding. {@link #uniform(double)} removes it evenly: both fractions
 * are 1 − s, because the weights of a block's attention scale with its heads and those of its MLP
 * with its neurons. {@link #erdosRenyi(double)} shares it out Erdős–Rényi style instead.
 */
public interface StructuredBudget {

    /**
     * The shape of every block under this budget.
     *
     * @param config the architecture; its dense head and neuron counts are the reference
     * @return one shape per block
     * @throws IllegalArgumentException if a block would keep no head or no neuron
     */
    List<BlockShape> shapes(DeiTConfig config);

    /**
     * The compacted architecture under this budget.
     *
     * @param config the dense (or any) architecture
     * @return {@code config} with the budget's block shapes
     * @throws IllegalArgumentException if a block would keep no head or no neuron
     */
    default DeiTConfig apply(DeiTConfig config) {
        return config.withBlocks(shapes(config));
    }

    /**
     * Keeps the same fraction of heads and of neurons in every block.
     *
     * @param heads fraction of each block's heads kept, in (0, 1]
     * @param neurons fraction of each block's MLP neurons kept, in (0, 1]
     * @return the budget
     * @throws IllegalArgumentException for a fraction outside (0, 1]
     */
    static StructuredBudget fractions(double heads, double neurons) {
        return new UniformFractions(
                UnitRounding.checkFraction("head", heads), UnitRounding.checkFraction("neuron", neurons));
    }

    /**
     * Removes a structured sparsity evenly: every block keeps 1 − s of its heads and 1 − s of its
     * neurons.
     *
     * @param sparsity fraction of the structured weights removed, in [0, 1)
     * @return the budget
     * @throws IllegalArgumentException for a sparsity outside [0, 1)
     */
    static StructuredBudget uniform(double sparsity) {
        double s = UnitRounding.checkSparsity(sparsity);
        return new UniformFractions(1 - s, 1 - s);
    }

    /**
     * Shares a structured sparsity out Erdős–Rényi style over the groups of units (each block's
     * attention and each block's MLP).
     *
     * <p>A group g of layers with shapes (in_l, out_l) and N_g = Σ in_l·out_l weights gets the
     * fraction f_g = min(1, ε · Σ (in_l + out_l) / N_g), with ε chosen so that Σ f_g·N_g = (1 − s)
     * · Σ N_g; a group that would exceed 1 is kept whole and ε is solved again for the rest. The
     * attention group is qkv and proj, the MLP group fc1 and fc2. The blocks of a DeiT are alike,
     * so every block gets the same counts; attention keeps a larger fraction than the MLP (DeiT-Small
     * at s = 0.4: 0.675 of the heads, 0.5625 of the neurons).
     *
     * @param sparsity fraction of the structured weights removed before rounding, in [0, 1)
     * @return the budget
     * @throws IllegalArgumentException for a sparsity outside [0, 1)
     */
    static StructuredBudget erdosRenyi(double sparsity) {
        return new ErdosRenyiFractions(UnitRounding.checkSparsity(sparsity));
    }
}
