package io.svite.models.run;

import io.svite.core.report.Timeline;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a run's topology moved while it trained, as its run folder's {@value #FILE} holds it: the
 * sparsity engine's {@link Timeline} of every phase that had one (weights changed and ever active
 * per update, active heads and neurons per update) and, for a token-selecting model, the patches
 * the selector kept for the first test images when training began and after every epoch.
 *
 * <p>Recorded as the run trains; both parts are in its checkpoints (the engine's timeline in the
 * sparsity state, the token snapshots in the manifest), so a resumed run writes the uninterrupted
 * run's file.
 *
 * @param phases the engine timeline of each phase that trained with a sparsity engine, in order
 * @param tokens the token snapshots, or null when the model selects no tokens
 */
public record RunTimeline(List<Phase> phases, Tokens tokens) {

    /** The file in a run folder. */
    public static final String FILE = "timeline.json";

    /** The {@code format} field of the file. */
    public static final String FORMAT = "svite-run-timeline";

    /** The {@code formatVersion} this code writes and reads. */
    public static final int VERSION = 1;

    /** Copies the list. */
    public RunTimeline {
        phases = List.copyOf(phases);
    }

    /**
     * One phase's engine timeline.
     *
     * @param index the phase, from 0
     * @param name the phase's name ({@code train}, {@code finetune}, …)
     * @param startStep the run's steps done when the phase began (its steps add to it)
     * @param timeline the engine's timeline; its steps count from the phase's start
     */
    public record Phase(int index, String name, long startStep, Timeline timeline) {}

    /**
     * The token selector's kept patches at several points of training.
     *
     * @param testImages how many test images: the first ones of the run's dataset, in its fixed order
     * @param patches patches per image
     * @param grid patches per row of the image (patches = grid²)
     * @param kept patches the selector keeps per image
     * @param snapshots the snapshots, in step order
     * @param complete false when the run resumed from a checkpoint written without snapshots
     */
    public record Tokens(int testImages, int patches, int grid, int kept, List<Snapshot> snapshots, boolean complete) {

        /** Copies the list. */
        public Tokens {
            snapshots = List.copyOf(snapshots);
        }
    }

    /**
     * The kept patches of every test image at one point.
     *
     * @param phase the phase's name
     * @param epoch epochs of the run finished (0 when training began)
     * @param step the run's steps done
     * @param kept per image, the kept patch indices (row-major over the patch grid), increasing
     */
    public record Snapshot(String phase, int epoch, long step, List<List<Integer>> kept) {

        /** Copies the lists. */
        public Snapshot {
            List<List<Integer>> copy = new ArrayList<>();
            kept.forEach(k -> copy.add(List.copyOf(k)));
            kept = List.copyOf(copy);
        }
    }

    /**
     * Whether there is anything to draw.
     *
     * @return true if a phase has a timeline or there are token snapshots
     */
    public boolean isEmpty() {
        return phases.isEmpty() && (tokens == null || tokens.snapshots().isEmpty());
    }

    // ---------------------------------------------------------------- JSON

    /**
     * The file's JSON: {@code format}, {@code formatVersion}, {@code phases} (each {@code index},
     * {@code name}, {@code startStep} and {@code timeline}, an engine timeline as {@link
     * Timeline#json()} writes it) and {@code tokens} (absent without a token selector: {@code
     * testImages}, {@code patches}, {@code grid}, {@code kept}, {@code complete} and {@code
     * snapshots}, each {@code phase}, {@code epoch}, {@code step} and {@code kept}: one array of
     * patch indices per image).
     *
     * @return the JSON
     */
    public JsonObject json() {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("formatVersion", VERSION);
        JsonArray ps = new JsonArray();
        for (Phase p : phases) {
            JsonObject j = new JsonObject();
            j.addProperty("index", p.index());
            j.addProperty("name", p.name());
            j.addProperty("startStep", p.startStep());
            j.add("timeline", p.timeline().json());
            ps.add(j);
        }
        o.add("phases", ps);
        if (tokens != null) {
            o.add("tokens", tokensJson(tokens));
        }
        return o;
    }

    /**
     * The token part's JSON (also what a checkpoint's manifest holds).
     *
     * @param tokens the snapshots
     * @return the JSON
     */
    static JsonObject tokensJson(Tokens tokens) {
        JsonObject t = new JsonObject();
        t.addProperty("testImages", tokens.testImages());
        t.addProperty("patches", tokens.patches());
        t.addProperty("grid", tokens.grid());
        t.addProperty("kept", tokens.kept());
        t.addProperty("complete", tokens.complete());
        JsonArray ss = new JsonArray();
        for (Snapshot s : tokens.snapshots()) {
            JsonObject j = new JsonObject();
            j.addProperty("phase", s.phase());
            j.addProperty("epoch", s.epoch());
            j.addProperty("step", s.step());
            JsonArray images = new JsonArray();
            for (List<Integer> k : s.kept()) {
                JsonArray row = new JsonArray();
                k.forEach(row::add);
                images.add(row);
            }
            j.add("kept", images);
            ss.add(j);
        }
        t.add("snapshots", ss);
        return t;
    }

    /**
     * Reads the token part's JSON.
     *
     * @param json the JSON
     * @param source names where it came from, for messages
     * @return the snapshots
     * @throws IllegalArgumentException if it is malformed
     */
    static Tokens tokensOf(JsonElement json, String source) {
        try {
            JsonObject t = json.getAsJsonObject();
            List<Snapshot> snapshots = new ArrayList<>();
            int patches = t.get("patches").getAsInt();
            int kept = t.get("kept").getAsInt();
            for (JsonElement e : t.getAsJsonArray("snapshots")) {
                JsonObject s = e.getAsJsonObject();
                List<List<Integer>> images = new ArrayList<>();
                for (JsonElement img : s.getAsJsonArray("kept")) {
                    List<Integer> row = new ArrayList<>();
                    for (JsonElement i : img.getAsJsonArray()) {
                        int index = i.getAsInt();
                        if (index < 0 || index >= patches) {
                            throw new IllegalArgumentException("patch index " + index + " outside 0 … " + (patches - 1));
                        }
                        row.add(index);
                    }
                    if (row.size() != kept) {
                        throw new IllegalArgumentException("a snapshot keeps " + row.size() + " patches, not " + kept);
                    }
                    images.add(row);
                }
                snapshots.add(new Snapshot(s.get("phase").getAsString(), s.get("epoch").getAsInt(), s.get("step").getAsLong(),
                        images));
            }
            return new Tokens(t.get("testImages").getAsInt(), patches, t.get("grid").getAsInt(), kept, snapshots,
                    t.get("complete").getAsBoolean());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + " has malformed token snapshots: " + e.getMessage(), e);
        }
    }

    /**
     * The file's text: pretty-printed JSON with a final newline.
     *
     * @return the text
     */
    public String jsonText() {
        return new GsonBuilder().setPrettyPrinting().create().toJson(json()) + "\n";
    }

    /**
     * Reads a run folder's timeline file.
     *
     * @param file the file
     * @return the timeline
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is not a run timeline of this format
     */
    public static RunTimeline read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JsonObject o;
        try {
            o = JsonParser.parseString(text).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!o.has("format") || !FORMAT.equals(o.get("format").getAsString())) {
            throw new IllegalArgumentException(file + " is not a run timeline (no \"format\": \"" + FORMAT + "\")");
        }
        if (!o.has("formatVersion") || o.get("formatVersion").getAsInt() != VERSION) {
            throw new IllegalArgumentException(file + " is a run timeline of format version " + o.get("formatVersion")
                    + "; this svite reads version " + VERSION);
        }
        List<Phase> phases = new ArrayList<>();
        try {
            for (JsonElement e : o.getAsJsonArray("phases")) {
                JsonObject p = e.getAsJsonObject();
                phases.add(new Phase(p.get("index").getAsInt(), p.get("name").getAsString(), p.get("startStep").getAsLong(),
                        Timeline.fromJson(p.get("timeline"), file + " (phase " + p.get("name").getAsString() + ")")));
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " has malformed phases: " + e, e);
        }
        Tokens tokens = o.has("tokens") ? tokensOf(o.get("tokens"), file.toString()) : null;
        return new RunTimeline(phases, tokens);
    }
}
