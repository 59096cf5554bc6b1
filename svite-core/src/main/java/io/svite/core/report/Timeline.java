package io.svite.core.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * How a sparse run explored its topology: one entry when the masks and units were installed and one
 * after every update, each with every masked tensor's active, pruned, grown and ever-active counts
 * and every unit group's active set. The engine records it as it trains (a few counts read back
 * per update, never per step) and checkpoints it, so a resumed run's timeline is the uninterrupted
 * run's; {@code SparseRun.timeline()} hands it out.
 *
 * <p>Derived quantities: the fraction of a tensor's weights changed at an update is {@code
 * grown / active}; its in-time over-parameterisation rate is {@code everActive / size}; a unit group's
 * ever-active set is the union of its active sets so far.
 *
 * @param tensors the masked tensors, in the engine's order (every entry's counts use this order)
 * @param groups the unit groups, in the engine's order
 * @param updates the entries, in step order; the first is the state when training began (step 0
 *     for a fresh run) unless the run resumed from a state that had no timeline
 * @param complete false when the run resumed from a checkpoint written without a timeline: the
 *     updates before the resume are missing
 */
public record Timeline(List<Tensor> tensors, List<Group> groups, List<Update> updates, boolean complete) {

    /** The {@code format} field of a timeline's JSON. */
    public static final String FORMAT = "svite-timeline";

    /** The {@code formatVersion} this code writes and reads. */
    public static final int VERSION = 1;

    /** Copies the lists and checks every entry against them. */
    public Timeline {
        tensors = List.copyOf(tensors);
        groups = List.copyOf(groups);
        updates = List.copyOf(updates);
        for (Update u : updates) {
            if (u.tensors().size() != tensors.size() || u.units().size() != groups.size()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "timeline entry at step %d has %d tensors and %d unit groups, the timeline %d and %d", u.step(),
                        u.tensors().size(), u.units().size(), tensors.size(), groups.size()));
            }
            for (int i = 0; i < tensors.size(); i++) {
                TensorCounts c = u.tensors().get(i);
                if (c.active() > tensors.get(i).size() || c.everActive() > tensors.get(i).size()) {
                    throw new IllegalArgumentException("timeline entry at step " + u.step() + " counts more entries of "
                            + tensors.get(i).name() + " than its " + tensors.get(i).size());
                }
            }
            for (int g = 0; g < groups.size(); g++) {
                if (u.units().get(g).length() > groups.get(g).units()) {
                    throw new IllegalArgumentException("timeline entry at step " + u.step() + " has unit "
                            + (u.units().get(g).length() - 1) + " active in " + groups.get(g).name() + ", which has "
                            + groups.get(g).units() + " units");
                }
            }
        }
    }

    /**
     * A timeline with nothing recorded yet.
     *
     * @return an empty, complete timeline
     */
    public static Timeline empty() {
        return new Timeline(List.of(), List.of(), List.of(), true);
    }

    /**
     * One masked tensor.
     *
     * @param name its readable name, e.g. {@code block0_attn_qkv_weight}
     * @param layer its layer, e.g. {@code block0_attn_qkv}
     * @param size its number of entries
     */
    public record Tensor(String name, String layer, long size) {}

    /**
     * One unit group.
     *
     * @param name its name, e.g. {@code block0_attn_heads}
     * @param family its family, e.g. {@code heads}
     * @param units its number of units
     */
    public record Group(String name, String family, int units) {}

    /**
     * A masked tensor's counts at one entry.
     *
     * @param active entries active after the update
     * @param pruned entries switched off by the update (for a prune-and-grow update equal to
     *     {@code grown}; an entry switched off and on again in the same update is neither)
     * @param grown entries switched on by the update
     * @param everActive entries active at some point of the run so far
     */
    public record TensorCounts(long active, long pruned, long grown, long everActive) {

        /** Checks the counts. */
        public TensorCounts {
            if (active < 0 || pruned < 0 || grown < 0 || everActive < active) {
                throw new IllegalArgumentException("inconsistent timeline counts: active " + active + ", pruned "
                        + pruned + ", grown " + grown + ", ever active " + everActive);
            }
        }
    }

    /**
     * One entry: the state after an update (or when training began).
     *
     * @param step the optimizer step the update came before (updates run between backward and the
     *     step); for the first entry the steps done when training began
     * @param tensors every masked tensor's counts, in the timeline's order
     * @param units every unit group's active units, in the timeline's order (bit i set = unit i
     *     active); copies are handed out
     */
    public record Update(long step, List<TensorCounts> tensors, List<BitSet> units) {

        /** Copies the lists and the sets. */
        public Update {
            tensors = List.copyOf(tensors);
            List<BitSet> copies = new ArrayList<>();
            units.forEach(b -> copies.add((BitSet) b.clone()));
            units = List.copyOf(copies);
        }

        /**
         * Every unit group's active units.
         *
         * @return copies of the sets
         */
        @Override
        public List<BitSet> units() {
            List<BitSet> copies = new ArrayList<>();
            units.forEach(b -> copies.add((BitSet) b.clone()));
            return copies;
        }
    }

    /**
     * The units of a group that were active at some entry up to and including {@code entry}.
     *
     * @param group the group's index
     * @param entry the entry's index
     * @return the union of the group's active sets
     */
    public BitSet everActiveUnits(int group, int entry) {
        BitSet ever = new BitSet();
        for (int i = 0; i <= entry; i++) {
            ever.or(updates.get(i).units.get(group));
        }
        return ever;
    }

    // ---------------------------------------------------------------- JSON

    /**
     * The timeline as JSON: {@code format}, {@code formatVersion}, {@code complete}, {@code
     * tensors} ({@code name}, {@code layer}, {@code size}), {@code groups} ({@code name}, {@code
     * family}, {@code units}) and {@code updates}, each with {@code step}, the arrays {@code active},
     * {@code pruned}, {@code grown}, {@code everActive} (one number per tensor, in order) and {@code
     * units} (one string per group: its active set in hexadecimal, {@link #hex}).
     *
     * @return the JSON object
     */
    public JsonObject json() {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("formatVersion", VERSION);
        o.addProperty("complete", complete);
        JsonArray ts = new JsonArray();
        for (Tensor t : tensors) {
            JsonObject j = new JsonObject();
            j.addProperty("name", t.name());
            j.addProperty("layer", t.layer());
            j.addProperty("size", t.size());
            ts.add(j);
        }
        o.add("tensors", ts);
        JsonArray gs = new JsonArray();
        for (Group g : groups) {
            JsonObject j = new JsonObject();
            j.addProperty("name", g.name());
            j.addProperty("family", g.family());
            j.addProperty("units", g.units());
            gs.add(j);
        }
        o.add("groups", gs);
        JsonArray us = new JsonArray();
        for (Update u : updates) {
            JsonObject j = new JsonObject();
            j.addProperty("step", u.step());
            JsonArray active = new JsonArray();
            JsonArray pruned = new JsonArray();
            JsonArray grown = new JsonArray();
            JsonArray ever = new JsonArray();
            for (TensorCounts c : u.tensors()) {
                active.add(c.active());
                pruned.add(c.pruned());
                grown.add(c.grown());
                ever.add(c.everActive());
            }
            j.add("active", active);
            j.add("pruned", pruned);
            j.add("grown", grown);
            j.add("everActive", ever);
            JsonArray units = new JsonArray();
            for (int g = 0; g < groups.size(); g++) {
                units.add(hex(u.units.get(g), groups.get(g).units()));
            }
            j.add("units", units);
            us.add(j);
        }
        o.add("updates", us);
        return o;
    }

    /**
     * The timeline as pretty-printed JSON text with a final newline.
     *
     * @return the text
     */
    public String jsonText() {
        return new GsonBuilder().setPrettyPrinting().create().toJson(json()) + "\n";
    }

    /**
     * Reads what {@link #json()} wrote.
     *
     * @param json the JSON object
     * @param source names where it came from, for messages
     * @return the timeline
     * @throws IllegalArgumentException if it is not a timeline of this format, or malformed
     */
    public static Timeline fromJson(JsonElement json, String source) {
        try {
            JsonObject o = json.getAsJsonObject();
            if (!o.has("format") || !FORMAT.equals(o.get("format").getAsString())) {
                throw new IllegalArgumentException(source + " is not a timeline (no \"format\": \"" + FORMAT + "\")");
            }
            int version = o.get("formatVersion").getAsInt();
            if (version != VERSION) {
                throw new IllegalArgumentException(source + " is a timeline of format version " + version
                        + "; this svite reads version " + VERSION);
            }
            List<Tensor> tensors = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("tensors")) {
                JsonObject t = e.getAsJsonObject();
                tensors.add(new Tensor(t.get("name").getAsString(), t.get("layer").getAsString(), t.get("size").getAsLong()));
            }
            List<Group> groups = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("groups")) {
                JsonObject g = e.getAsJsonObject();
                groups.add(new Group(g.get("name").getAsString(), g.get("family").getAsString(), g.get("units").getAsInt()));
            }
            List<Update> updates = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("updates")) {
                JsonObject u = e.getAsJsonObject();
                JsonArray active = u.getAsJsonArray("active");
                JsonArray pruned = u.getAsJsonArray("pruned");
                JsonArray grown = u.getAsJsonArray("grown");
                JsonArray ever = u.getAsJsonArray("everActive");
                List<TensorCounts> counts = new ArrayList<>();
                for (int i = 0; i < active.size(); i++) {
                    counts.add(new TensorCounts(active.get(i).getAsLong(), pruned.get(i).getAsLong(),
                            grown.get(i).getAsLong(), ever.get(i).getAsLong()));
                }
                List<BitSet> units = new ArrayList<>();
                JsonArray hexes = u.getAsJsonArray("units");
                for (int g = 0; g < hexes.size(); g++) {
                    units.add(fromHex(hexes.get(g).getAsString()));
                }
                updates.add(new Update(u.get("step").getAsLong(), counts, units));
            }
            return new Timeline(tensors, groups, updates, o.get("complete").getAsBoolean());
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(source) ? e
                    : new IllegalArgumentException(source + " is not a valid timeline: " + e.getMessage(), e);
        } catch (RuntimeException e) { // missing fields, wrong types
            throw new IllegalArgumentException(source + " is not a valid timeline: " + e, e);
        }
    }

    /**
     * Reads a timeline's JSON text.
     *
     * @param text the text
     * @param source names where it came from, for messages
     * @return the timeline
     * @throws IllegalArgumentException if it is not valid JSON or not a timeline
     */
    public static Timeline fromJson(String text, String source) {
        JsonElement json;
        try {
            json = JsonParser.parseString(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + " is not valid JSON: " + e.getMessage(), e);
        }
        return fromJson(json, source);
    }

    /**
     * A set of units as hexadecimal digits: digit j holds units 4j … 4j+3, unit 4j in its highest
     * bit (8), so the digits read left to right as a bitmap of the units in order; ⌈units / 4⌉
     * digits. Three heads all active are {@code e} (1110), units 0 and 5 of 8 are {@code 84}.
     *
     * @param set the active units
     * @param units the group's size
     * @return the digits
     */
    public static String hex(BitSet set, int units) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j * 4 < units; j++) {
            int digit = 0;
            for (int b = 0; b < 4; b++) {
                if (set.get(4 * j + b)) {
                    digit |= 8 >> b;
                }
            }
            sb.append(Character.forDigit(digit, 16));
        }
        return sb.toString();
    }

    /**
     * Reads {@link #hex}.
     *
     * @param digits hexadecimal digits
     * @return the set
     * @throws IllegalArgumentException for a character that is not a hexadecimal digit
     */
    public static BitSet fromHex(String digits) {
        BitSet set = new BitSet();
        for (int j = 0; j < digits.length(); j++) {
            int digit = Character.digit(digits.charAt(j), 16);
            if (digit < 0) {
                throw new IllegalArgumentException("'" + digits.charAt(j) + "' in a unit set is not a hexadecimal digit");
            }
            for (int b = 0; b < 4; b++) {
                if ((digit & (8 >> b)) != 0) {
                    set.set(4 * j + b);
                }
            }
        }
        return set;
    }
}
