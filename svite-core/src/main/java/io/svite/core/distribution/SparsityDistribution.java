package io.svite.core.distribution;

import ai.djl.ndarray.types.Shape;

import java.util.Map;

/**
 * Spreads an overall sparsity over layers: a pure function from the shapes of the sparse tensors
 * to one density per tensor.
 *
 * <p>Every distribution keeps Σ density_l · N_l = (1 − s) · Σ N_l, where N_l is the number of
 * entries of tensor l and s the overall sparsity; they differ in how the budget is shared:
 *
 * <ul>
 *   <li>{@link #uniform}: every tensor gets density 1 − s;
 *   <li>{@link #erdosRenyi}: density_l = ε · (n_out + n_in) / (n_out · n_in), from the first two
 *       dimensions only (a convolution's kernel does not count);
 *   <li>{@link #erdosRenyiKernel}: density_l = ε · (Σ dims) / (Π dims), every dimension counting,
 *       so a convolution with a large kernel (the patch embedding) gets the lowest density.
 * </ul>
 *
 * <p>For the two Erdős–Rényi variants ε is solved so that the budget holds; a tensor whose density
 * would exceed 1 is made dense, together with every tensor tied with it (same raw density), and ε
 * is solved again over the rest, until no density exceeds 1.
 */
public interface SparsityDistribution {

    /**
     * The overall sparsity over the sparse tensors.
     *
     * @return s in [0, 1)
     */
    double sparsity();

    /**
     * The density of every tensor.
     *
     * @param shapes the shape of every sparse tensor, by name, in a stable order
     * @return density in (0, 1] per name, in the same order
     * @throws IllegalArgumentException if {@code shapes} is empty or a shape has no entries
     */
    Map<String, Double> densities(Map<String, Shape> shapes);

    /**
     * The same density 1 − s for every tensor.
     *
     * @param sparsity the overall sparsity s in [0, 1)
     * @return the distribution
     * @throws IllegalArgumentException if s is outside [0, 1)
     */
    static SparsityDistribution uniform(double sparsity) {
        return new UniformDistribution(checkSparsity(sparsity));
    }

    /**
     * Erdős–Rényi: density ∝ (n_out + n_in) / (n_out · n_in), from the first two dimensions.
     *
     * @param sparsity the overall sparsity s in [0, 1)
     * @return the distribution
     * @throws IllegalArgumentException if s is outside [0, 1)
     */
    static SparsityDistribution erdosRenyi(double sparsity) {
        return new ErdosRenyiDistribution(checkSparsity(sparsity), false);
    }

    /**
     * Erdős–Rényi-Kernel: density ∝ (Σ dims) / (Π dims) over all dimensions, as in RigL and the
     * SViTE reference code.
     *
     * @param sparsity the overall sparsity s in [0, 1)
     * @return the distribution
     * @throws IllegalArgumentException if s is outside [0, 1)
     */
    static SparsityDistribution erdosRenyiKernel(double sparsity) {
        return new ErdosRenyiDistribution(checkSparsity(sparsity), true);
    }

    private static double checkSparsity(double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
        return sparsity;
    }
}
