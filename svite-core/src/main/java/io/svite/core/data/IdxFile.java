package io.svite.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads an IDX file of unsigned bytes (the MNIST format), gzip-compressed or not.
 *
 * <p>Layout: a big-endian magic number {@code 0x0000_08_nd} (type 0x08 = unsigned byte, nd
 * dimensions), nd big-endian sizes, then the values in row-major order.
 *
 * @param dims the sizes, e.g. (60000, 28, 28) for images or (60000) for labels
 * @param values the bytes, row-major
 */
public record IdxFile(int[] dims, byte[] values) {

    /**
     * Reads a file and checks its header and length.
     *
     * @param file an {@code .idx?-ubyte} or {@code .idx?-ubyte.gz} file
     * @param expectedDims the number of dimensions the caller needs
     * @return the contents
     * @throws DataException if the file cannot be read or is not a valid IDX file
     */
    public static IdxFile read(Path file, int expectedDims) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                DataInputStream in = new DataInputStream(maybeGunzip(raw, file))) {
            int magic = in.readInt();
            int type = (magic >>> 8) & 0xff;
            int nd = magic & 0xff;
            if ((magic >>> 16) != 0 || type != 0x08 || nd != expectedDims) {
                throw new DataException(
                        String.format(
                                "%s is not an IDX file of unsigned bytes with %d dimensions (magic"
                                        + " 0x%08x); re-download it or point --data at a folder"
                                        + " with the original files",
                                file,
                                expectedDims,
                                magic));
            }
            int[] dims = new int[nd];
            long total = 1;
            for (int i = 0; i < nd; i++) {
                dims[i] = in.readInt();
                if (dims[i] <= 0) {
                    throw new DataException(file + " has an invalid size " + dims[i] + " in its header");
                }
                total *= dims[i];
            }
            if (total > Integer.MAX_VALUE) {
                throw new DataException(file + " is too large to load into memory (" + total + " bytes)");
            }
            byte[] values = new byte[(int) total];
            in.readFully(values);
            return new IdxFile(dims, values);
        } catch (EOFException e) {
            throw new DataException(file + " is truncated: it ends before the size its header promises", e);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static InputStream maybeGunzip(InputStream in, Path file) throws IOException {
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
