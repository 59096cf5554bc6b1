package io.svite.core.policy;

import io.svite.core.structured.StructuredUnits;
import io.svite.core.structured.UnitBudget;
import io.svite.core.structured.UnitCriterion;
import io.svite.core.structured.UnitFamily;
import io.svite.core.structured.UnitGroup;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What S2ViTE's unit swaps are made of.
 *
 * @param units the model's declaration of its unit groups
 * @param budget how many units each group keeps active
 * @param prune prune criteria by family name (others use the family's default)
 * @param grow grow criteria by family name (others use {@code defaultGrow})
 * @param defaultGrow the grow criterion of families without their own
 * @param scoreWindow batches whose Taylor scores are averaged before an update
 * @param regrowPruned whether units pruned in an update may be grown back in it
 * @param gated whether closed units stay at full width, gated to 0, even if the model could
 *     compute only the active ones
 * @param seed the seed of the initial active sets
 */
public record UnitSettings(
        StructuredUnits units,
        UnitBudget budget,
        Map<String, UnitCriterion> prune,
        Map<String, UnitCriterion> grow,
        UnitCriterion defaultGrow,
        int scoreWindow,
        boolean regrowPruned,
        boolean gated,
        long seed) {

    /** Copies the maps. */
    public UnitSettings {
        prune = Map.copyOf(prune);
        grow = Map.copyOf(grow);
    }

    /**
     * The prune criterion of a family: the recipe's, else the family's default.
     *
     * @param family the family
     * @return the criterion
     */
    public UnitCriterion prune(UnitFamily family) {
        return prune.getOrDefault(family.name(), family.defaultPrune());
    }

    /**
     * The grow criterion of a family: the recipe's, else the default (Taylor).
     *
     * @param family the family
     * @return the criterion
     */
    public UnitCriterion grow(UnitFamily family) {
        return grow.getOrDefault(family.name(), defaultGrow);
    }

    /**
     * The model's groups, checked: at least one, unique names and gates, gates that are not
     * weights, and every family the criteria name declared.
     *
     * @param block the model's block
     * @return the groups
     * @throws IllegalArgumentException naming what does not fit
     */
    public List<UnitGroup> declared(Block block) {
        List<UnitGroup> groups = units.groups(block);
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException("the model declares no structured unit groups");
        }
        Set<String> names = new HashSet<>();
        Set<String> gates = new HashSet<>();
        Set<String> families = new LinkedHashSet<>();
        for (UnitGroup g : groups) {
            if (!names.add(g.name())) {
                throw new IllegalArgumentException("the model declares two unit groups named " + g.name());
            }
            if (!gates.add(g.gate().getId())) {
                throw new IllegalArgumentException("unit group " + g.name() + " shares its gate with another group");
            }
            if (g.gate().getType() == Parameter.Type.WEIGHT) {
                throw new IllegalArgumentException(
                        "unit group " + g.name() + ": the gate " + g.gate().getName() + " is of type WEIGHT; gates must"
                                + " not be weights (optimizers would decay them and SViTE would mask them)");
            }
            families.add(g.family().name());
        }
        Set<String> named = new LinkedHashSet<>(prune.keySet());
        named.addAll(grow.keySet());
        for (String f : named) {
            if (!families.contains(f)) {
                throw new IllegalArgumentException(
                        "the recipe names the unit family '" + f + "', but the model declares only "
                                + String.join(", ", families));
            }
        }
        return groups;
    }
}
