package io.svite.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The mask checkpoint file: everything SViTE needs to resume where it stopped.
 *
 * <p>Layout: the magic {@code SVITEMSK}, a format version (int), a JSON header (length-prefixed:
 * step, updates so far, seed and every selected tensor's display name, shape and active count), the masks and
 * ever-active sets as a DJL {@code NDList} of uint8 arrays (length-prefixed), and a CRC-32 of
 * everything before it. The file is written to a temporary name and renamed, so a crash never
 * leaves half a checkpoint; a truncated, corrupt or foreign file is refused with a message that
 * names it.
 */
final class MaskCheckpoint {

    static final String SUFFIX = ".masks";
    private static final byte[] MAGIC = "SVITEMSK".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private MaskCheckpoint() {}

    /**
     * One tensor's header entry.
     *
     * @param parameter the display name
     * @param shape the shape
     * @param active the exact number of active entries (= size for a dense tensor)
     */
    record Entry(String parameter, long[] shape, long active) {}

    /**
     * A checkpoint read and verified, its arrays not yet decoded.
     *
     * @param file where it was read from
     * @param step optimizer steps done when it was saved
     * @param updates mask updates done by then, or -1 if the file predates the field
     * @param seed the run's mask seed
     * @param entries one per selected tensor
     * @param payload the encoded arrays
     */
    record Contents(Path file, long step, long updates, long seed, List<Entry> entries, byte[] payload) {

        NDList decode(NDManager manager) {
            try {
                return NDList.decode(manager, payload);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("mask checkpoint " + file + " has unreadable arrays: " + e.getMessage(), e);
            }
        }
    }

    static String maskKey(String display) {
        return "mask:" + display;
    }

    static String everKey(String display) {
        return "ever:" + display;
    }

    static void write(Path file, long step, long updates, long seed, List<SparseLayer> layers) throws IOException {
        JsonObject header = new JsonObject();
        header.addProperty("step", step);
        header.addProperty("updates", updates);
        header.addProperty("seed", seed);
        JsonArray entries = new JsonArray();
        byte[] payload;
        NDManager scope = null;
        try {
            NDList arrays = new NDList();
            for (SparseLayer layer : layers) {
                JsonObject e = new JsonObject();
                e.addProperty("parameter", layer.display);
                JsonArray shape = new JsonArray();
                for (long d : layer.shape.getShape()) {
                    shape.add(d);
                }
                e.add("shape", shape);
                e.addProperty("active", layer.active);
                entries.add(e);
                if (!layer.dense()) {
                    NDArray mask = layer.anyMask();
                    if (scope == null) {
                        scope = mask.getManager().newSubManager();
                    }
                    arrays.add(asBytes(mask, maskKey(layer.display), scope));
                    arrays.add(asBytes(layer.everActive(), everKey(layer.display), scope));
                }
            }
            payload = arrays.encode();
        } finally {
            if (scope != null) {
                scope.close();
            }
        }
        header.add("tensors", entries);
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + json.length + 64);
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(json.length);
        out.write(json);
        out.writeInt(payload.length);
        out.write(payload);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();

        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.write(tmp, bytes.toByteArray());
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static NDArray asBytes(NDArray mask, String name, NDManager scope) {
        NDArray b = mask.toType(DataType.UINT8, true);
        b.attach(scope);
        NDArray host = b.toDevice(ai.djl.Device.cpu(), false);
        host.attach(scope);
        host.setName(name);
        return host;
    }

    static Contents read(Path file) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("mask checkpoint " + file + " does not exist", e);
        }
        if (all.length < MAGIC.length + 4 + 4 + 4 + 8 || !startsWithMagic(all)) {
            throw new IllegalArgumentException("mask checkpoint " + file + " is not an svite mask checkpoint");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        ByteBuffer buf = ByteBuffer.wrap(all);
        if (buf.getLong(all.length - 8) != crc.getValue()) {
            throw new IllegalArgumentException(
                    "mask checkpoint " + file + " is corrupt (checksum mismatch); it was truncated or changed after saving");
        }
        buf.position(MAGIC.length);
        int version = buf.getInt();
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "mask checkpoint " + file + " has format version " + version + "; this svite reads version " + VERSION);
        }
        try {
            int jsonLength = buf.getInt();
            byte[] json = new byte[jsonLength];
            buf.get(json);
            int payloadLength = buf.getInt();
            byte[] payload = new byte[payloadLength];
            buf.get(payload);
            JsonObject header = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
            List<Entry> entries = new ArrayList<>();
            for (JsonElement el : header.getAsJsonArray("tensors")) {
                JsonObject e = el.getAsJsonObject();
                JsonArray shape = e.getAsJsonArray("shape");
                long[] dims = new long[shape.size()];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = shape.get(i).getAsLong();
                }
                entries.add(new Entry(e.get("parameter").getAsString(), dims, e.get("active").getAsLong()));
            }
            long updates = header.has("updates") ? header.get("updates").getAsLong() : -1;
            return new Contents(
                    file,
                    header.get("step").getAsLong(),
                    updates,
                    header.get("seed").getAsLong(),
                    List.copyOf(entries),
                    payload);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("mask checkpoint " + file + " has a malformed header: " + e.getMessage(), e);
        }
    }

    private static boolean startsWithMagic(byte[] all) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (all[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
