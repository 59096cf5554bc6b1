package io.svite.core.optimizer;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which parameters an optimizer applies weight decay to, decided once from a block's parameters.
 *
 * <p>An optimizer's {@code update} only sees {@code Parameter.getId()}, a random UUID. Parameter
 * objects, and so their ids, exist from the block's construction on (before initialisation), so
 * the selection reads {@code block.getParameters()} once when the optimizer is built and keeps the
 * set of decayed ids. The default decays every parameter, as DJL's optimizers do.
 */
final class DecaySelection {

    private static final DecaySelection ALL = new DecaySelection(null, null);

    /** Ids that decay; {@code null} means every id. */
    private final Set<String> decayed;
    /** Every id of the block the selection was made from; {@code null} for {@link #all()}. */
    private final Set<String> known;

    private DecaySelection(Set<String> decayed, Set<String> known) {
        this.decayed = decayed;
        this.known = known;
    }

    /**
     * Decay on every parameter (DJL's behaviour).
     *
     * @return the selection
     */
    static DecaySelection all() {
        return ALL;
    }

    /**
     * Decay on the parameters of {@code block} that {@code decays} accepts.
     *
     * @param block the model's block; its parameters are read now
     * @param decays true for a parameter that decays
     * @return the selection
     */
    static DecaySelection of(Block block, Predicate<Parameter> decays) {
        Set<String> decayed = new HashSet<>();
        Set<String> known = new HashSet<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            known.add(p.getValue().getId());
            if (decays.test(p.getValue())) {
                decayed.add(p.getValue().getId());
            }
        }
        if (known.isEmpty()) {
            throw new IllegalArgumentException(
                    "the block given for the weight-decay selection has no parameters");
        }
        return new DecaySelection(Set.copyOf(decayed), Set.copyOf(known));
    }

    /**
     * Whether the parameter with this id decays.
     *
     * @param parameterId {@code Parameter.getId()}
     * @return true if weight decay applies
     * @throws IllegalStateException if the selection was made from a block that does not hold the
     *     parameter (the optimizer was built for another model)
     */
    boolean decays(String parameterId) {
        if (decayed == null) {
            return true;
        }
        if (!known.contains(parameterId)) {
            throw new IllegalStateException(
                    "parameter id "
                            + parameterId
                            + " is not a parameter of the block the optimizer's weight-decay"
                            + " selection was built from; build the optimizer with the model's"
                            + " own block");
        }
        return decayed.contains(parameterId);
    }

    /**
     * How many of the block's parameters decay, or -1 for {@link #all()}.
     *
     * @return the count
     */
    int decayedCount() {
        return decayed == null ? -1 : decayed.size();
    }
}
