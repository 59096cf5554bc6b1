package io.svite.core.structured;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many units of each group stay active under a structured budget: a pure function from the
 * declared groups to one count per group.
 *
 * <p>Counts are rounded down, as the SViTE reference does (a fraction a of H heads keeps ⌊H·a⌋;
 * DeiT-Small at heads 0.7 and neurons 0.6 keeps 4 of 6 heads and 921 of 1536 neurons per block);
 * a product within 10⁻⁹ below a whole number counts as that number. A budget that leaves a group
 * without an active unit is an error naming the group and the smallest fraction that works.
 *
 * <ul>
 *   <li>{@link #fractions}: a fraction per family, the same in every group of the family;
 *   <li>{@link #uniform}: one structured sparsity s, every group keeps 1 − s of its units. In a
 *       transformer the weights of an attention block scale with its heads and those of an MLP with
 *       its neurons, so s is the fraction of the groups' weights removed, before rounding;
 *   <li>{@link #erdosRenyi}: one structured sparsity shared out Erdős–Rényi style over the groups:
 *       a group whose weight slices (parameters of type {@code WEIGHT} with ≥ 2 dimensions) are
 *       the layers l of shapes (out_l, in_l, …) with N_g = Σ size_l entries keeps the fraction f_g
 *       = min(1, ε · Σ (out_l + in_l) / N_g), with ε solved so that Σ f_g · N_g = (1 − s) · Σ N_g;
 *       a group that would exceed 1 is kept whole and ε is solved again.
 * </ul>
 */
public interface UnitBudget {

    /**
     * The active count of every group.
     *
     * @param groups the model's groups, with shaped parameters
     * @return one count in [1, units] per group, in order
     * @throws IllegalArgumentException if a group would keep no unit, or a family has no fraction
     */
    int[] counts(List<UnitGroup> groups);

    /**
     * A fraction of units kept per family, the same in every group of a family.
     *
     * @param fractions fraction kept per family, each in (0, 1]
     * @return the budget
     * @throws IllegalArgumentException for an empty map or a fraction outside (0, 1]
     */
    static UnitBudget fractions(Map<UnitFamily, Double> fractions) {
        if (fractions == null || fractions.isEmpty()) {
            throw new IllegalArgumentException("give a kept fraction for at least one unit family");
        }
        Map<String, Double> byName = new LinkedHashMap<>();
        fractions.forEach((family, f) -> byName.put(family.name(), UnitCounts.checkFraction(family.name(), f)));
        return new FamilyFractions(byName);
    }

    /**
     * Every group keeps 1 − s of its units.
     *
     * @param sparsity the structured sparsity s in [0, 1)
     * @return the budget
     * @throws IllegalArgumentException for s outside [0, 1)
     */
    static UnitBudget uniform(double sparsity) {
        return new UniformUnits(UnitCounts.checkSparsity(sparsity));
    }

    /**
     * A structured sparsity shared out Erdős–Rényi style over the groups (see the class comment).
     *
     * @param sparsity the structured sparsity s in [0, 1)
     * @return the budget
     * @throws IllegalArgumentException for s outside [0, 1)
     */
    static UnitBudget erdosRenyi(double sparsity) {
        return new ErdosRenyiUnits(UnitCounts.checkSparsity(sparsity));
    }
}
