package io.svite.core.distribution;

import java.util.function.DoubleFunction;

/**
 * Over which set of weights a pruning event ranks scores.
 *
 * <ul>
 *   <li>{@link #global()}: one ranking over every selected weight of the model — one threshold —
 *       so layers end with different densities, decided by the scores (OMP; Taylor pruning, whose
 *       scores estimate a change of the loss and so compare across layers);
 *   <li>per layer ({@link #uniform()}, {@link #erdosRenyiKernel()}, {@link #erdosRenyi()}, {@link
 *       #perLayer}): each layer is pruned to its own density, which a {@link SparsityDistribution}
 *       at the event's sparsity fixes in advance (GMP as Zhu &amp; Gupta prune it: every layer to the
 *       same sparsity).
 * </ul>
 *
 * <p>Either way the selected weights as a whole reach the event's sparsity, and an entry pruned
 * once stays pruned.
 */
public interface PruningScope {

    /**
     * One threshold over all selected weights.
     *
     * @return the global scope
     */
    static PruningScope global() {
        return Scopes.GLOBAL;
    }

    /**
     * Every layer at the same sparsity.
     *
     * @return the per-layer uniform scope
     */
    static PruningScope uniform() {
        return Scopes.UNIFORM;
    }

    /**
     * Per-layer densities from Erdős–Rényi-Kernel at each event's sparsity.
     *
     * @return the scope
     */
    static PruningScope erdosRenyiKernel() {
        return Scopes.ERK;
    }

    /**
     * Per-layer densities from Erdős–Rényi at each event's sparsity.
     *
     * @return the scope
     */
    static PruningScope erdosRenyi() {
        return Scopes.ER;
    }

    /**
     * Per-layer densities from any distribution, made at each event's sparsity.
     *
     * @param name a name for logs and reports
     * @param distribution the distribution at a sparsity, e.g. {@code SparsityDistribution::uniform}
     * @return the scope
     * @throws IllegalArgumentException if either is null
     */
    static PruningScope perLayer(String name, DoubleFunction<SparsityDistribution> distribution) {
        if (name == null || distribution == null) {
            throw new IllegalArgumentException("a per-layer scope needs a name and a distribution");
        }
        return new Scopes.PerLayer(name, distribution);
    }

    /**
     * The per-layer densities this scope prunes to at a sparsity.
     *
     * @param sparsity the event's sparsity
     * @return the distribution, or empty for the global scope (one ranking over all weights)
     */
    default java.util.Optional<SparsityDistribution> perLayerAt(double sparsity) {
        return this instanceof Scopes.PerLayer
                ? java.util.Optional.of(((Scopes.PerLayer) this).distribution().apply(sparsity))
                : java.util.Optional.empty();
    }
}
