package io.svite.models.run;

import com.google.gson.JsonElement;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What differs between two JSON trees, for messages about checkpoints that do not belong to a run. */
final class JsonDiff {

    private JsonDiff() {}

    /**
     * What differs between two JSON trees, by top-level key (nested objects by their dotted path).
     *
     * @param there the checkpoint's value
     * @param here this run's value
     * @return e.g. {@code learningRate 0.001 there, 0.002 here}
     */
    static String differences(JsonElement there, JsonElement here) {
        List<String> out = new ArrayList<>();
        diff("", there, here, out);
        if (out.isEmpty()) {
            return "they differ";
        }
        return String.join("; ", out.subList(0, Math.min(5, out.size()))) + (out.size() > 5 ? "; …" : "");
    }

    private static void diff(String path, JsonElement a, JsonElement b, List<String> out) {
        if (a != null && b != null && a.isJsonObject() && b.isJsonObject()) {
            Set<String> keys = new TreeSet<>(a.getAsJsonObject().keySet());
            keys.addAll(b.getAsJsonObject().keySet());
            for (String k : keys) {
                diff(path.isEmpty() ? k : path + "." + k, a.getAsJsonObject().get(k), b.getAsJsonObject().get(k), out);
            }
        } else if (a == null ? b != null : !a.equals(b)) {
            out.add((path.isEmpty() ? "value" : path) + " " + (a == null ? "absent" : a) + " there, "
                    + (b == null ? "absent" : b) + " here");
        }
    }
}
