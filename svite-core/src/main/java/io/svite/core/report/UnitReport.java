package io.svite.core.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a structured run stands: per unit group its active, ever-active, changed and grown units,
 * and the same summed per family.
 *
 * @param step optimizer steps done
 * @param updates structured updates (prune-and-grow events) done
 * @param groups one entry per declared group, in the model's order
 */
public record UnitReport(long step, long updates, List<UnitGroupReport> groups) {

    /** Copies the list. */
    public UnitReport {
        groups = List.copyOf(groups);
    }

    /**
     * The groups summed per family, in order of first appearance; the name of each entry is the
     * family's.
     *
     * @return one summed entry per family
     */
    public List<UnitGroupReport> families() {
        Map<String, long[]> sums = new LinkedHashMap<>();
        for (UnitGroupReport g : groups) {
            long[] s = sums.computeIfAbsent(g.family(), k -> new long[6]);
            s[0] += g.units();
            s[1] += g.active();
            s[2] += g.everActive();
            s[3] += g.changed();
            s[4] += g.grown();
        }
        return sums.entrySet().stream()
                .map(e -> new UnitGroupReport(e.getKey(), e.getKey(), (int) e.getValue()[0], (int) e.getValue()[1],
                        (int) e.getValue()[2], (int) e.getValue()[3], e.getValue()[4]))
                .toList();
    }

    /**
     * Units that are active now but were not at the start, over all groups: how far the topology
     * has moved.
     *
     * @return Σ changed
     */
    public long changed() {
        return groups.stream().mapToLong(UnitGroupReport::changed).sum();
    }

    /**
     * The report as JSON: {@code {"step","updates","families":[…],"groups":[{"name","family","units",
     * "active","everActive","changed","grown"}]}}.
     *
     * @return the JSON object
     */
    public JsonObject json() {
        JsonObject o = new JsonObject();
        o.addProperty("step", step);
        o.addProperty("updates", updates);
        o.add("families", array(families(), false));
        o.add("groups", array(groups, true));
        return o;
    }

    private static JsonArray array(List<UnitGroupReport> list, boolean withFamily) {
        JsonArray a = new JsonArray();
        for (UnitGroupReport g : list) {
            JsonObject j = new JsonObject();
            j.addProperty("name", g.name());
            if (withFamily) {
                j.addProperty("family", g.family());
            }
            j.addProperty("units", g.units());
            j.addProperty("active", g.active());
            j.addProperty("everActive", g.everActive());
            j.addProperty("changed", g.changed());
            j.addProperty("grown", g.grown());
            a.add(j);
        }
        return a;
    }

    /**
     * The report as pretty-printed JSON.
     *
     * @return the JSON text
     */
    public String toJson() {
        return new GsonBuilder().setPrettyPrinting().create().toJson(json());
    }

    /**
     * The report as an aligned table: one line per family, then one per group.
     *
     * @return the text
     */
    public String text() {
        int width = "group".length();
        for (UnitGroupReport g : groups) {
            width = Math.max(width, g.name().length());
        }
        String row = "%-" + width + "s  %7s  %7s  %7s  %8s  %7s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "structured units at step %d, %d updates%n", step, updates));
        sb.append(String.format(Locale.ROOT, row, "family", "units", "active", "ever", "changed", "grown"));
        for (UnitGroupReport f : families()) {
            line(sb, row, f);
        }
        sb.append(String.format(Locale.ROOT, row, "group", "units", "active", "ever", "changed", "grown"));
        for (UnitGroupReport g : groups) {
            line(sb, row, g);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String row, UnitGroupReport g) {
        sb.append(String.format(Locale.ROOT, row, g.name(), g.units(), g.active(), g.everActive(), g.changed(), g.grown()));
    }
}
