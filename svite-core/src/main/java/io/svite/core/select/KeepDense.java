package io.svite.core.select;

/**
 * Marks a DJL block whose parameters (and its children's) the default {@link ParameterSelector}
 * never makes sparse, e.g. a token scorer whose few weights decide which tokens survive.
 *
 * <p>A model declares it by implementing this interface on the block; the core needs no other
 * knowledge of the model. A user can still add such a parameter explicitly with {@link
 * ParameterSelector#including(String...)}.
 */
public interface KeepDense {}
