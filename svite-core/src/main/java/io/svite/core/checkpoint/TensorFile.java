package io.svite.core.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named tensors in one file, copied to the host one tensor at a time (memory stays bounded by the
 * largest tensor, not the model).
 *
 * <p>Layout: the magic {@code SVTENSR1}, the byte order of the values ({@code 0} little-endian,
 * {@code 1} big-endian), the tensor count, then per tensor its name (modified UTF-8), its data type
 * ({@link DataType#name()}), its rank and dimensions, the byte length and the raw values in the
 * recorded order. The file carries no checksum: the checkpoint manifest records its size and
 * SHA-256, which are verified before it is read.
 */
public final class TensorFile {

    private static final byte[] MAGIC = "SVTENSR1".getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK = 1 << 20;

    private TensorFile() {}

    /**
     * Writes named tensors, in the map's order; with {@code requireFinite}, a floating-point tensor
     * holding a NaN or an infinity stops the write.
     *
     * @param out where to write (not closed here)
     * @param tensors name → tensor, on any device
     * @param requireFinite whether NaN and infinite values are refused
     * @throws IOException if writing fails
     * @throws NonFiniteValuesException naming the first tensor with a NaN or infinite value
     */
    public static void write(OutputStream out, Map<String, NDArray> tensors, boolean requireFinite)
            throws IOException {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, CHUNK));
        data.write(MAGIC);
        data.writeByte(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0 : 1);
        data.writeInt(tensors.size());
        byte[] chunk = new byte[CHUNK];
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray array = e.getValue();
            ByteBuffer values = hostBytes(array);
            if (requireFinite && !finite(values, array.getDataType())) {
                throw new NonFiniteValuesException(e.getKey());
            }
            data.writeUTF(e.getKey());
            data.writeUTF(array.getDataType().name());
            long[] dims = array.getShape().getShape();
            data.writeInt(dims.length);
            for (long d : dims) {
                data.writeLong(d);
            }
            data.writeLong(values.remaining());
            while (values.hasRemaining()) {
                int n = Math.min(chunk.length, values.remaining());
                values.get(chunk, 0, n);
                data.write(chunk, 0, n);
            }
        }
        data.flush();
    }

    /**
     * The values of an array as host bytes. DJL's {@code toByteBuffer} copies a device array to the
     * CPU into the array's own manager (a parameter's: the model's, never closed during training);
     * the copy is made here in a scope that is closed at once.
     */
    private static ByteBuffer hostBytes(NDArray array) {
        if (array.getDevice().equals(Device.cpu())) {
            return array.toByteBuffer().order(ByteOrder.nativeOrder());
        }
        try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            NDArray host = array.toDevice(Device.cpu(), true);
            host.attach(scope);
            return host.toByteBuffer().order(ByteOrder.nativeOrder());
        }
    }

    /**
     * Reads every tensor of a file onto a manager.
     *
     * @param file the file
     * @param manager where the arrays go (its device receives them)
     * @return name → tensor, in file order
     * @throws CheckpointException if the file is not a tensor file, is truncated or malformed
     * @throws IOException if it cannot be read
     */
    public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
            DataInputStream data = new DataInputStream(in);
            byte[] magic = new byte[MAGIC.length];
            data.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CheckpointException(file + " is not an svite tensor file");
            }
            ByteOrder order = data.readByte() == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            if (order != ByteOrder.nativeOrder()) {
                throw new CheckpointException(
                        file + " was written on a machine of the other byte order (" + order + ")");
            }
            int count = data.readInt();
            if (count < 0) {
                throw new CheckpointException(file + " is malformed: " + count + " tensors");
            }
            for (int i = 0; i < count; i++) {
                String name = data.readUTF();
                DataType type = dataType(file, name, data.readUTF());
                int rank = data.readInt();
                if (rank < 0 || rank > 16) {
                    throw new CheckpointException(file + " is malformed: tensor " + name + " has rank " + rank);
                }
                long[] dims = new long[rank];
                for (int d = 0; d < rank; d++) {
                    dims[d] = data.readLong();
                }
                Shape shape = new Shape(dims);
                long bytes = data.readLong();
                if (bytes != shape.size() * type.getNumOfBytes() || bytes > Integer.MAX_VALUE) {
                    throw new CheckpointException(
                            file + " is malformed: tensor " + name + " of " + type + " " + shape + " has " + bytes
                                    + " bytes");
                }
                ByteBuffer values = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
                byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, bytes))];
                long left = bytes;
                while (left > 0) {
                    int n = (int) Math.min(chunk.length, left);
                    data.readFully(chunk, 0, n);
                    values.put(chunk, 0, n);
                    left -= n;
                }
                values.flip();
                NDArray array = manager.create(values, shape, type);
                array.setName(name);
                if (out.put(name, array) != null) {
                    throw new CheckpointException(file + " is malformed: tensor " + name + " appears twice");
                }
            }
            if (data.read() != -1) {
                throw new CheckpointException(file + " is malformed: bytes after the last tensor");
            }
        } catch (EOFException e) {
            out.values().forEach(NDArray::close);
            throw new CheckpointException(file + " is truncated", e);
        } catch (IOException | RuntimeException e) {
            out.values().forEach(NDArray::close);
            throw e;
        }
        return out;
    }

    private static DataType dataType(Path file, String tensor, String name) throws CheckpointException {
        try {
            return DataType.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + " is malformed: tensor " + tensor + " has data type '" + name + "'", e);
        }
    }

    /** Whether every value of a floating-point buffer is finite (other types always are). */
    static boolean finite(ByteBuffer values, DataType type) {
        ByteBuffer b = values.duplicate().order(values.order());
        switch (type) {
            case FLOAT32:
                for (int i = b.position(); i + 4 <= b.limit(); i += 4) {
                    if ((b.getInt(i) & 0x7F80_0000) == 0x7F80_0000) {
                        return false;
                    }
                }
                return true;
            case FLOAT64:
                for (int i = b.position(); i + 8 <= b.limit(); i += 8) {
                    if ((b.getLong(i) & 0x7FF0_0000_0000_0000L) == 0x7FF0_0000_0000_0000L) {
                        return false;
                    }
                }
                return true;
            case FLOAT16:
                for (int i = b.position(); i + 2 <= b.limit(); i += 2) {
                    if ((b.getShort(i) & 0x7C00) == 0x7C00) {
                        return false;
                    }
                }
                return true;
            case BFLOAT16:
                for (int i = b.position(); i + 2 <= b.limit(); i += 2) {
                    if ((b.getShort(i) & 0x7F80) == 0x7F80) {
                        return false;
                    }
                }
                return true;
            default:
                return true;
        }
    }
}
