package io.svite.core.engine;

import io.svite.core.checkpoint.MaskCheckpoint;
import io.svite.core.checkpoint.StateFile;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The engine's state in a run checkpoint: one {@link StateFile} of kind {@value #KIND} with the
 * step, the update count, the names of the recipe's policies in order, each policy's own fields
 * (under {@code policy:<name>}) and arrays (named {@code <policy>/<array>}). The weights, which
 * carry the gates, and the optimizer's moments are the caller's to save.
 */
public final class EngineCheckpoint {

    /** The kind recorded in the state file. */
    public static final String KIND = "svite-engine";

    private EngineCheckpoint() {}

    /**
     * Writes the engine's state.
     *
     * @param engine a bound engine whose model is open
     * @param file the file
     * @throws IOException if it cannot be written
     * @throws IllegalStateException before training has begun or after the model was closed
     */
    public static void write(SparseEngine engine, Path file) throws IOException {
        engine.requireOpen("save the sparsity state");
        JsonObject header = new JsonObject();
        header.addProperty("step", engine.steps());
        header.addProperty("updates", engine.updates());
        JsonArray names = new JsonArray();
        NDList arrays = new NDList();
        try (NDManager host = engine.root().newSubManager(Device.cpu())) {
            for (MaskPolicy p : engine.policies()) {
                names.add(p.name());
                JsonObject fields = new JsonObject();
                NDList own = new NDList();
                p.save(fields, own, host);
                header.add("policy:" + p.name(), fields);
                for (NDArray a : own) {
                    a.setName(p.name() + "/" + a.getName());
                    arrays.add(a);
                }
            }
            header.add("policies", names);
            StateFile.write(file, KIND, header, arrays);
        }
    }

    /**
     * Reads and checks a state against a recipe's policies.
     *
     * @param file the file
     * @param policies the recipe's policies
     * @return the state, staged until the policies bind
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is missing, damaged, or written by a recipe of other
     *     policies
     */
    public static Staged read(Path file, List<MaskPolicy> policies) throws IOException {
        StateFile.Contents contents = StateFile.read(file, KIND);
        List<String> there = new ArrayList<>();
        JsonArray names = contents.header().getAsJsonArray("policies");
        if (names != null) {
            for (JsonElement n : names) {
                there.add(n.getAsString());
            }
        }
        List<String> here = policies.stream().map(MaskPolicy::name).toList();
        if (!there.equals(here)) {
            throw new IllegalArgumentException(
                    "state file " + file + " was written by a recipe of " + there + ", but this recipe has " + here
                            + "; resume with the recipe that wrote it");
        }
        Map<String, JsonObject> sections = new HashMap<>();
        for (String name : there) {
            JsonObject fields = contents.header().getAsJsonObject("policy:" + name);
            if (fields == null) {
                throw new IllegalArgumentException("state file " + file + " has no section for " + name);
            }
            sections.put(name, fields);
        }
        return new Staged(file, contents.getLong("step"), contents.getLong("updates"), sections, true,
                contents::arrays);
    }

    /**
     * Stages a mask file ({@link MaskCheckpoint}, written next to a model by {@code SparseRun.save})
     * for a recipe whose only part is SViTE's masks: the masks, ever-active sets, step and update
     * count continue; the optimizer's state is not in such a file.
     *
     * @param contents the mask file, read and verified
     * @param policies the recipe's policies
     * @return the state, staged until the policies bind
     * @throws IllegalArgumentException if the recipe has other parts than SViTE's masks
     */
    public static Staged fromMasks(MaskCheckpoint.Contents contents, List<MaskPolicy> policies) {
        List<String> here = policies.stream().map(MaskPolicy::name).toList();
        if (!here.equals(List.of("svite"))) {
            throw new IllegalArgumentException(
                    "mask checkpoint " + contents.file() + " holds SViTE's masks only, but this recipe has " + here
                            + "; resume it from a run checkpoint (readCheckpoint)");
        }
        JsonObject fields = new JsonObject();
        JsonArray tensors = new JsonArray();
        for (MaskCheckpoint.Entry e : contents.entries()) {
            JsonObject o = new JsonObject();
            o.addProperty("parameter", e.parameter());
            JsonArray shape = new JsonArray();
            for (long d : e.shape()) {
                shape.add(d);
            }
            o.add("shape", shape);
            o.addProperty("active", e.active());
            tensors.add(o);
        }
        fields.add("tensors", tensors);
        return new Staged(contents.file(), contents.step(), contents.updates(), Map.of("svite", fields), false,
                host -> {
                    Map<String, NDArray> out = new HashMap<>();
                    contents.decode(host).forEach(a -> out.put(a.getName(), a));
                    return out;
                });
    }

    /**
     * A state read and checked, its arrays decoded only when the policies bind.
     *
     * @param file where it was read from
     * @param step the step it was written at
     * @param updates the updates done by then, or -1 when a mask file predates the count
     * @param sections each policy's fields by policy name
     * @param prefixed whether array names carry their policy's name ({@code <policy>/<array>})
     * @param decoder decodes every array into a host manager
     */
    public record Staged(
            Path file,
            long step,
            long updates,
            Map<String, JsonObject> sections,
            boolean prefixed,
            Function<NDManager, Map<String, NDArray>> decoder) {

        /**
         * Decodes every array into a host manager.
         *
         * @param host the owner of the decoded arrays
         * @return arrays by their full name
         */
        Map<String, NDArray> arrays(NDManager host) {
            return decoder.apply(host);
        }

        /**
         * One policy's part.
         *
         * @param policy the policy
         * @param all every decoded array
         * @return the policy's fields and arrays, by the names it gave them
         */
        MaskPolicy.Saved of(MaskPolicy policy, Map<String, NDArray> all) {
            JsonObject fields = sections.get(policy.name());
            if (fields == null) {
                throw new IllegalArgumentException("state file " + file + " has no section for " + policy.name());
            }
            if (!prefixed) {
                return new MaskPolicy.Saved(file, fields, all);
            }
            String prefix = policy.name() + "/";
            Map<String, NDArray> own = new HashMap<>();
            all.forEach((name, a) -> {
                if (name.startsWith(prefix)) {
                    own.put(name.substring(prefix.length()), a);
                }
            });
            return new MaskPolicy.Saved(file, fields, own);
        }
    }
}
