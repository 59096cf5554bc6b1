package io.svite.core.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mask file: a model's masks with their ever-active sets, the step and the update count.
 *
 * <p>Layout ({@code FramedFile}): the magic {@code SVITEMSK}, format version 1, a JSON header
 * (step, updates so far, seed and every selected tensor's display name, shape and active count),
 * the masks and ever-active sets as a DJL {@code NDList} of uint8 arrays, and a CRC-32. The file
 * is written to a temporary name and renamed, so a crash never leaves half a file; a truncated,
 * corrupt or foreign file is refused with a message that names it. {@link SavedMasks} reads it for
 * reports.
 */
public final class MaskCheckpoint {

    /** The file name suffix of mask files. */
    public static final String SUFFIX = ".masks";

    private static final FramedFile.Format FORMAT =
            new FramedFile.Format("SVITEMSK", 1, "mask checkpoint", "an svite mask checkpoint");

    private MaskCheckpoint() {}

    /**
     * One tensor to write.
     *
     * @param parameter its display name
     * @param shape its shape
     * @param active the exact number of active entries (its size when dense)
     * @param mask its 0/1 mask, or null when dense
     * @param ever the entries ever active (booleans), or null when dense
     */
    public record Tensor(String parameter, Shape shape, long active, NDArray mask, NDArray ever) {}

    /**
     * One tensor's header entry.
     *
     * @param parameter the display name
     * @param shape the shape
     * @param active the exact number of active entries (= size for a dense tensor)
     */
    public record Entry(String parameter, long[] shape, long active) {

        /**
         * The entry as a header object: {@code {"parameter", "shape", "active"}}.
         *
         * @return the JSON object
         */
        public JsonObject json() {
            JsonObject e = new JsonObject();
            e.addProperty("parameter", parameter);
            JsonArray dims = new JsonArray();
            for (long d : shape) {
                dims.add(d);
            }
            e.add("shape", dims);
            e.addProperty("active", active);
            return e;
        }

        /**
         * An entry read back from {@link #json()}.
         *
         * @param e the header object
         * @return the entry
         */
        public static Entry of(JsonObject e) {
            JsonArray dims = e.getAsJsonArray("shape");
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = dims.get(i).getAsLong();
            }
            return new Entry(e.get("parameter").getAsString(), shape, e.get("active").getAsLong());
        }
    }

    /**
     * A mask file read and verified, its arrays not yet decoded.
     *
     * @param file where it was read from
     * @param step optimizer steps done when it was saved
     * @param updates mask updates done by then, or -1 if the file predates the field
     * @param seed the run's mask seed
     * @param entries one per selected tensor
     * @param payload the encoded arrays
     */
    public record Contents(Path file, long step, long updates, long seed, List<Entry> entries, byte[] payload) {

        /**
         * Decodes the arrays: {@link #maskKey} and {@link #everKey} of every sparse tensor, uint8.
         *
         * @param manager the manager that owns them
         * @return the arrays
         * @throws IllegalArgumentException if they cannot be decoded
         */
        public NDList decode(NDManager manager) {
            try {
                return NDList.decode(manager, payload);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("mask checkpoint " + file + " has unreadable arrays: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The array name of a tensor's mask.
     *
     * @param display the tensor's display name
     * @return {@code mask:<display>}
     */
    public static String maskKey(String display) {
        return "mask:" + display;
    }

    /**
     * The array name of a tensor's ever-active set.
     *
     * @param display the tensor's display name
     * @return {@code ever:<display>}
     */
    public static String everKey(String display) {
        return "ever:" + display;
    }

    /**
     * Writes a mask file atomically.
     *
     * @param file the file
     * @param step optimizer steps done
     * @param updates mask updates done
     * @param seed the run's mask seed
     * @param tensors every selected tensor, dense ones included
     * @throws IOException if it cannot be written
     */
    public static void write(Path file, long step, long updates, long seed, List<Tensor> tensors) throws IOException {
        JsonObject header = new JsonObject();
        header.addProperty("step", step);
        header.addProperty("updates", updates);
        header.addProperty("seed", seed);
        JsonArray entries = new JsonArray();
        byte[] payload;
        NDManager scope = null;
        try {
            NDList arrays = new NDList();
            for (Tensor t : tensors) {
                entries.add(new Entry(t.parameter(), t.shape().getShape(), t.active()).json());
                if (t.mask() != null) {
                    if (scope == null) {
                        scope = t.mask().getManager().newSubManager();
                    }
                    arrays.add(asBytes(t.mask(), maskKey(t.parameter()), scope));
                    arrays.add(asBytes(t.ever(), everKey(t.parameter()), scope));
                }
            }
            payload = arrays.encode();
        } finally {
            if (scope != null) {
                scope.close();
            }
        }
        header.add("tensors", entries);
        FORMAT.write(file, header, payload);
    }

    private static NDArray asBytes(NDArray mask, String name, NDManager scope) {
        NDArray b = mask.toType(DataType.UINT8, true);
        b.attach(scope);
        NDArray host = b.toDevice(Device.cpu(), false);
        host.attach(scope);
        host.setName(name);
        return host;
    }

    /**
     * Reads and verifies a mask file.
     *
     * @param file the file
     * @return its contents
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is missing, truncated, corrupt or not a mask file
     */
    public static Contents read(Path file) throws IOException {
        FramedFile.Frame frame = FORMAT.read(file);
        JsonObject header = frame.header();
        try {
            List<Entry> entries = new ArrayList<>();
            for (JsonElement el : header.getAsJsonArray("tensors")) {
                entries.add(Entry.of(el.getAsJsonObject()));
            }
            long updates = header.has("updates") ? header.get("updates").getAsLong() : -1;
            return new Contents(
                    file,
                    header.get("step").getAsLong(),
                    updates,
                    header.get("seed").getAsLong(),
                    List.copyOf(entries),
                    frame.payload());
        } catch (RuntimeException e) {
            throw FORMAT.malformed(file, e);
        }
    }
}
