package io.svite.core.report;

import io.svite.core.select.ParameterNames;

import java.util.Arrays;
import java.util.List;

/**
 * The sparsity of one masked tensor.
 *
 * @param name the layer's name ({@link ParameterNames#layer}), e.g. {@code block0_attn_qkv}
 * @param parameter the parameter's display name, e.g. {@code block0_attn_qkv_weight}
 * @param shape the tensor's shape
 * @param size its number of entries
 * @param nonZeros entries that are active (may be non-zero)
 * @param everActive entries that have been active at some point of the run
 */
public record LayerSparsity(String name, String parameter, List<Long> shape, long size, long nonZeros, long everActive) {

    /** Validates the counts and copies the shape. */
    public LayerSparsity {
        shape = List.copyOf(shape);
        if (nonZeros < 0 || nonZeros > size || everActive < nonZeros || everActive > size) {
            throw new IllegalArgumentException(
                    "inconsistent counts for " + parameter + ": size " + size + ", non-zeros " + nonZeros
                            + ", ever active " + everActive);
        }
    }

    public LayerSparsity(String name, String parameter, long[] shape, long size, long nonZeros, long everActive) {
        this(name, parameter, Arrays.stream(shape).boxed().toList(), size, nonZeros, everActive);
    }

    /**
     * Fraction of entries active.
     *
     * @return non-zeros / size
     */
    public double density() {
        return (double) nonZeros / size;
    }

    /**
     * Fraction of entries that have ever been active: how much of the dense layer the run has
     * explored.
     *
     * @return ever active / size
     */
    public double everActiveFraction() {
        return (double) everActive / size;
    }
}
