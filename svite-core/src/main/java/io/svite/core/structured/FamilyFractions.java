package io.svite.core.structured;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kept fraction per unit family.
 *
 * @param fractions fraction kept, by family name
 */
record FamilyFractions(Map<String, Double> fractions) implements UnitBudget {

    FamilyFractions {
        fractions = Map.copyOf(fractions);
    }

    @Override
    public int[] counts(List<UnitGroup> groups) {
        Set<String> declared = new LinkedHashSet<>();
        groups.forEach(g -> declared.add(g.family().name()));
        for (String family : fractions.keySet()) {
            if (!declared.contains(family)) {
                throw new IllegalArgumentException(
                        "the model has no unit family '" + family + "'; it declares " + String.join(", ", declared));
            }
        }
        int[] out = new int[groups.size()];
        for (int i = 0; i < out.length; i++) {
            UnitGroup g = groups.get(i);
            Double f = fractions.get(g.family().name());
            if (f == null) {
                throw new IllegalArgumentException(
                        "no kept fraction given for the " + g.family().name() + "; give one for each of "
                                + String.join(", ", declared) + " (1 keeps a family whole)");
            }
            out[i] = UnitCounts.keep(g, f);
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("keep ");
        fractions.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(sb.length() > 5 ? ", " : "").append(e.getKey()).append(' ')
                        .append(UnitCounts.plain(e.getValue())));
        return sb.toString();
    }
}
