package io.svite.core.checkpoint;

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
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The framing shared by svite's binary state files: a magic of 8 ASCII bytes, a format version
 * (int), a length-prefixed JSON header, a length-prefixed payload (an encoded DJL {@code NDList})
 * and a CRC-32 of everything before it; written to a temporary name and renamed into place.
 *
 * <p>A missing, truncated, corrupt, foreign or newer file is refused with an {@link
 * IllegalArgumentException} that names the file and says which of these it is.
 */
final class FramedFile {

    /**
     * What a read returns: the header, parsed, and the payload, still encoded.
     *
     * @param file where it was read from
     * @param header the JSON header
     * @param payload the encoded arrays (empty for none)
     */
    record Frame(Path file, JsonObject header, byte[] payload) {}

    /**
     * One kind of framed file.
     *
     * @param magic the 8 ASCII bytes it starts with
     * @param version the format version this code writes and reads
     * @param what how messages name such a file, e.g. {@code mask checkpoint}
     * @param kind how a foreign file is described, e.g. {@code an svite mask checkpoint}
     */
    record Format(String magic, int version, String what, String kind) {

        /**
         * Writes a file of this format atomically.
         *
         * @param file the target
         * @param header the JSON header
         * @param payload the encoded arrays
         * @throws IOException if it cannot be written (nothing is then left at {@code file})
         */
        void write(Path file, JsonObject header, byte[] payload) throws IOException {
            byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + json.length + 64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(magic.getBytes(StandardCharsets.US_ASCII));
            out.writeInt(version);
            out.writeInt(json.length);
            out.write(json);
            out.writeInt(payload.length);
            out.write(payload);
            out.flush();
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

        /**
         * Reads and verifies a file of this format.
         *
         * @param file the file
         * @return its header and payload
         * @throws IOException if it cannot be read
         * @throws IllegalArgumentException if it is missing, truncated, corrupt, foreign or newer
         */
        Frame read(Path file) throws IOException {
            byte[] all;
            try {
                all = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException(what + " " + file + " does not exist", e);
            }
            byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
            if (all.length < m.length + 4 + 4 + 4 + 8 || !Arrays.equals(all, 0, m.length, m, 0, m.length)) {
                throw new IllegalArgumentException(what + " " + file + " is not " + kind);
            }
            CRC32 crc = new CRC32();
            crc.update(all, 0, all.length - 8);
            ByteBuffer buf = ByteBuffer.wrap(all);
            if (buf.getLong(all.length - 8) != crc.getValue()) {
                throw new IllegalArgumentException(
                        what + " " + file + " is corrupt (checksum mismatch); it was truncated or changed after saving");
            }
            buf.position(m.length);
            int found = buf.getInt();
            if (found != version) {
                throw new IllegalArgumentException(
                        what + " " + file + " has format version " + found + "; this svite reads version " + version);
            }
            try {
                byte[] json = new byte[buf.getInt()];
                buf.get(json);
                byte[] payload = new byte[buf.getInt()];
                buf.get(payload);
                JsonObject header = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
                return new Frame(file, header, payload);
            } catch (RuntimeException e) {
                throw malformed(file, e);
            }
        }

        /**
         * The error for a header that parses but lacks what it must hold.
         *
         * @param file the file
         * @param cause what went wrong
         * @return the exception to throw
         */
        IllegalArgumentException malformed(Path file, RuntimeException cause) {
            return new IllegalArgumentException(what + " " + file + " has a malformed header: " + cause.getMessage(), cause);
        }
    }

    private FramedFile() {}
}
