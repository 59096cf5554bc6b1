package io.svite.core.select;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import java.util.List;
import java.util.Map;

/**
 * Chooses the parameters of a model that get a sparsity mask.
 *
 * <p>The default, {@link #weights()}, picks every trainable parameter of type {@code WEIGHT} with
 * 2 (linear) or 4 (convolution) dimensions — in a DeiT the patch embedding, qkv, proj, fc1, fc2 and
 * the classifier — and leaves dense everything else: biases, norms, the class token and position
 * embedding ({@code OTHER}), gates (frozen), embedding tables ({@code AbstractEmbedding} owners)
 * and every parameter of a block that implements {@link KeepDense} (a token scorer). The choice
 * is made from the parameter's type, shape and owning block, never from substrings of names.
 *
 * <p>Users narrow or widen it by name: a name is a layer name ({@code block0_attn_qkv}, see {@link
 * ParameterNames#layer}) or a parameter's display name ({@code block0_attn_qkv_weight}), or DJL's
 * own name of either ({@code 01Linear}, {@code 01Linear_weight}) where readable names collide. A
 * name that matches no parameter of the model is an error that lists the known layers.
 */
public interface ParameterSelector {

    /**
     * The selected parameters, by DJL name, in the model's order.
     *
     * @param block the model's block; its parameters must have shapes (initialised or prepared)
     * @return the selection, possibly empty
     * @throws IllegalArgumentException if a name given to the selector matches no parameter
     */
    Map<String, Parameter> select(Block block);

    /**
     * Checks the names given to this selector against the model without needing shapes, so a typo
     * fails before any initialisation.
     *
     * @param block the model's block
     * @throws IllegalArgumentException if a name matches no parameter
     */
    default void checkNames(Block block) {}

    /**
     * Keeps only the parameters of these layers (or with these display names) from this
     * selection.
     *
     * @param names layer or parameter display names
     * @return the narrowed selector
     */
    default ParameterSelector only(String... names) {
        return new NamedSelector(this, NamedSelector.Mode.ONLY, List.of(names));
    }

    /**
     * Leaves the parameters of these layers (or with these display names) dense.
     *
     * @param names layer or parameter display names
     * @return the narrowed selector
     */
    default ParameterSelector except(String... names) {
        return new NamedSelector(this, NamedSelector.Mode.EXCEPT, List.of(names));
    }

    /**
     * Adds parameters to this selection: a display name adds that parameter; a layer name adds
     * the layer's trainable parameters with at least two dimensions.
     *
     * @param names layer or parameter display names
     * @return the widened selector
     */
    default ParameterSelector including(String... names) {
        return new NamedSelector(this, NamedSelector.Mode.INCLUDING, List.of(names));
    }

    /**
     * Every trainable 2-D or 4-D {@code WEIGHT} outside {@link KeepDense} blocks and embedding
     * tables.
     *
     * @return the default selector
     */
    static ParameterSelector weights() {
        return WeightSelector.INSTANCE;
    }
}
