package io.svite.models.cost;

import java.util.List;

/**
 * Parameters and multiply-accumulates of a whole model, per layer and in total, next to the dense
 * model's.
 *
 * @param layers one entry per weight layer, attention product and group of dense parameters
 * @param keptPatches patches that reach the transformer blocks
 * @param patches patches of the dense model
 * @param denseParams parameters of the dense model
 */
public record CostReport(List<LayerCost> layers, int keptPatches, int patches, long denseParams) {

    /** Copies the list. */
    public CostReport {
        layers = List.copyOf(layers);
    }

    /**
     * Non-zero parameters in total.
     *
     * @return Σ params
     */
    public long params() {
        return layers.stream().mapToLong(LayerCost::params).sum();
    }

    /**
     * Multiply-accumulates for one image.
     *
     * @return Σ MACs
     */
    public double macs() {
        return layers.stream().mapToDouble(LayerCost::macs).sum();
    }

    /**
     * Multiply-accumulates of the dense model on all patches.
     *
     * @return Σ dense MACs
     */
    public double denseMacs() {
        return layers.stream().mapToDouble(LayerCost::denseMacs).sum();
    }

    /**
     * Fraction of the dense MACs saved.
     *
     * @return 1 − MACs / dense MACs
     */
    public double macsSaving() {
        return 1.0 - macs() / denseMacs();
    }

    /**
     * Fraction of the dense parameters saved.
     *
     * @return 1 − params / dense params
     */
    public double paramsSaving() {
        return 1.0 - (double) params() / denseParams;
    }
}
