package io.svite.core.structured;

/**
 * A kind of structured unit a model declares, e.g. attention heads or MLP neurons, with the prune
 * criterion that is customary for it.
 *
 * <p>Budgets and criteria of a {@code SparseTrainer} are given per family. Families are matched
 * by name, so {@code UnitFamily.of("neurons")} and a model's own constant for its neurons refer to
 * the same family.
 *
 * @param name the family's name, e.g. {@code heads}
 * @param defaultPrune how active units of this family are scored for pruning unless the recipe
 *     says otherwise
 */
public record UnitFamily(String name, UnitCriterion defaultPrune) {

    /** Checks the values. */
    public UnitFamily {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a unit family needs a name");
        }
        if (defaultPrune == null) {
            throw new IllegalArgumentException("unit family " + name + " needs a default prune criterion");
        }
    }

    /**
     * A family pruned by the Taylor score by default.
     *
     * @param name the family's name
     * @return the family
     */
    public static UnitFamily of(String name) {
        return new UnitFamily(name, UnitCriterion.taylor());
    }

    /**
     * A family with its own default prune criterion.
     *
     * @param name the family's name
     * @param defaultPrune the default prune criterion
     * @return the family
     */
    public static UnitFamily of(String name, UnitCriterion defaultPrune) {
        return new UnitFamily(name, defaultPrune);
    }

    @Override
    public String toString() {
        return name;
    }
}
