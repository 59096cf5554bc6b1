package io.svite.core.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A training state inside a run checkpoint: a JSON header and named arrays, exact.
 *
 * <p>Layout ({@code FramedFile}): the magic {@code SVITESTA}, format version 1, the JSON header
 * (its {@code kind} names what wrote it), the arrays as a DJL {@code NDList} (raw values, so float
 * sums round-trip bit for bit; booleans are stored as uint8) and a CRC-32. A truncated, corrupt or
 * foreign file is refused with a message naming it. The sparsity engine keeps its run state in
 * one; exported masks have their own format ({@link MaskCheckpoint}).
 */
public final class StateFile {

    private static final FramedFile.Format FORMAT =
            new FramedFile.Format("SVITESTA", 1, "state file", "an svite engine state");

    private StateFile() {}

    /**
     * A state file read and verified, its arrays not yet decoded.
     *
     * @param file where it was read from
     * @param header the JSON header
     * @param payload the encoded arrays
     */
    public record Contents(Path file, JsonObject header, byte[] payload) {

        /**
         * Decodes the arrays into a host manager, by name.
         *
         * @param manager a CPU manager that owns the arrays
         * @return the arrays by name
         * @throws IllegalArgumentException if the arrays cannot be decoded
         */
        public Map<String, NDArray> arrays(NDManager manager) {
            Map<String, NDArray> out = new HashMap<>();
            if (payload.length == 0) {
                return out;
            }
            NDList list;
            try {
                list = NDList.decode(manager, payload);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("state file " + file + " has unreadable arrays: " + e.getMessage(), e);
            }
            for (NDArray a : list) {
                out.put(a.getName(), a);
            }
            return out;
        }

        /**
         * A header field as a long, refused with a message naming the file when it is missing.
         *
         * @param name the field
         * @return its value
         */
        public long getLong(String name) {
            return field(file, header, name);
        }

        /**
         * A named array, refused with a message naming the file when it is missing.
         *
         * @param arrays the decoded arrays
         * @param name the name
         * @return the array
         */
        public NDArray require(Map<String, NDArray> arrays, String name) {
            return array(file, arrays, name);
        }
    }

    /**
     * A named array of a state file, refused with a message naming the file when it is missing.
     *
     * @param file the state file, for the message
     * @param arrays its decoded arrays (or a policy's part of them)
     * @param name the name
     * @return the array
     * @throws IllegalArgumentException if the array is missing
     */
    public static NDArray array(Path file, Map<String, NDArray> arrays, String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("state file " + file + " has no array '" + name + "'");
        }
        return a;
    }

    /**
     * A header field as a long, refused with a message naming the file when it is missing.
     *
     * @param file the state file, for the message
     * @param header its header (or a section of it)
     * @param name the field
     * @return its value
     * @throws IllegalArgumentException if the field is missing
     */
    public static long field(Path file, JsonObject header, String name) {
        if (!header.has(name)) {
            throw new IllegalArgumentException("state file " + file + " has no field '" + name + "'");
        }
        return header.get(name).getAsLong();
    }

    /**
     * A host copy of an array, named, for {@link #write}: booleans become uint8, everything else
     * keeps its type and bits.
     *
     * @param array the array (any device)
     * @param name its name in the file
     * @param scope the manager that owns the copy
     * @return the copy
     */
    public static NDArray hostCopy(NDArray array, String name, NDManager scope) {
        NDArray a = array.getDataType() == DataType.BOOLEAN ? array.toType(DataType.UINT8, true) : array.duplicate();
        a.attach(scope);
        NDArray host = a.getDevice().equals(Device.cpu()) ? a : a.toDevice(Device.cpu(), true);
        host.attach(scope);
        host.setName(name);
        return host;
    }

    /**
     * A copy of a decoded array on a device that owns its memory. Decoded arrays may wrap the
     * file's Java buffer, and {@code toDevice(sameDevice, true)} shares storage on the PyTorch
     * engine (it calls {@code tensor.to} without copying), so the copy is made with {@code
     * duplicate()}. The copy stays attached to the array's manager until the caller attaches it.
     *
     * @param array a decoded array
     * @param device the device to copy it to
     * @return the copy
     */
    public static NDArray ownCopy(NDArray array, Device device) {
        NDArray copy = array.duplicate();
        if (!copy.getDevice().equals(device)) {
            copy = copy.toDevice(device, true);
        }
        return copy;
    }

    /**
     * Writes a state file atomically.
     *
     * @param file the file
     * @param kind what wrote it, checked on reading
     * @param header the engine's fields
     * @param arrays named host arrays
     * @throws IOException if it cannot be written
     */
    public static void write(Path file, String kind, JsonObject header, NDList arrays) throws IOException {
        JsonObject h = header.deepCopy();
        h.addProperty("kind", kind);
        FORMAT.write(file, h, arrays.isEmpty() ? new byte[0] : arrays.encode());
    }

    /**
     * Reads and verifies a state file.
     *
     * @param file the file
     * @param kind the kind it must have been written as
     * @return the contents
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is missing, truncated, corrupt or of another kind
     */
    public static Contents read(Path file, String kind) throws IOException {
        FramedFile.Frame frame = FORMAT.read(file);
        JsonObject header = frame.header();
        String found = header.has("kind") ? header.get("kind").getAsString() : "?";
        if (!found.equals(kind)) {
            throw new IllegalArgumentException(
                    "state file " + file + " holds the state of '" + found + "', not of '" + kind + "'");
        }
        return new Contents(file, header, frame.payload());
    }
}
