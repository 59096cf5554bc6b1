package io.svite.models.run;

import io.svite.core.checkpoint.Storage;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test double of {@link Storage}: the local disk, except that it runs out of space after a given
 * number of bytes, failing the write the way the kernel's ENOSPC surfaces in Java.
 */
final class FullDisk implements Storage {

    private final Storage disk = Storage.local();
    private final AtomicLong left;

    /**
     * A disk with {@code bytes} bytes of room left.
     *
     * @param bytes bytes that can still be written
     */
    FullDisk(long bytes) {
        this.left = new AtomicLong(bytes);
    }

    @Override
    public OutputStream create(Path file) throws IOException {
        return new FilterOutputStream(disk.create(file)) {
            @Override
            public void write(int b) throws IOException {
                take(1);
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                take(len);
                out.write(b, off, len);
            }

            private void take(long n) throws IOException {
                if (left.addAndGet(-n) < 0) {
                    throw new FileSystemException(file.toString(), null, "No space left on device");
                }
            }
        };
    }

    @Override
    public void sync(Path path) throws IOException {
        disk.sync(path);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        disk.rename(from, to);
    }
}
