package io.svite.core.distribution;

import java.util.function.DoubleFunction;

/** The implementations behind {@link PruningScope}'s factories. */
final class Scopes {

    static final Global GLOBAL = new Global();
    static final PerLayer UNIFORM = new PerLayer("uniform", SparsityDistribution::uniform);
    static final PerLayer ERK = new PerLayer("erdos-renyi-kernel", SparsityDistribution::erdosRenyiKernel);
    static final PerLayer ER = new PerLayer("erdos-renyi", SparsityDistribution::erdosRenyi);

    private Scopes() {}

    /** One ranking over all selected weights. */
    record Global() implements PruningScope {
        @Override
        public String toString() {
            return "global";
        }
    }

    /** Per-layer targets from a distribution at the event's sparsity. */
    record PerLayer(String name, DoubleFunction<SparsityDistribution> distribution) implements PruningScope {
        @Override
        public String toString() {
            return "per-layer " + name;
        }
    }
}
