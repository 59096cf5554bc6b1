package io.svite.core.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file-writing seam of the checkpoint store: every byte the store writes, every sync and every
 * rename goes through here, so a test can put a failing disk (ENOSPC, I/O errors) under it. States
 * that write their own files ({@code Checkpointable}) write to the local disk directly.
 */
public interface Storage {

    /**
     * Opens a new file for writing; it must not exist yet.
     *
     * @param file the file
     * @return a stream the caller closes
     * @throws IOException if it cannot be created
     */
    OutputStream create(Path file) throws IOException;

    /**
     * Flushes a file's or a folder's contents and metadata to the device ({@code fsync}).
     *
     * @param path a regular file or a folder
     * @throws IOException if the device reports an error
     */
    void sync(Path path) throws IOException;

    /**
     * Renames atomically within one file system; the target must not exist.
     *
     * @param from the current name
     * @param to the new name
     * @throws IOException if the rename fails
     */
    void rename(Path from, Path to) throws IOException;

    /**
     * The local file system.
     *
     * @return the storage
     */
    static Storage local() {
        return new Storage() {
            @Override
            public OutputStream create(Path file) throws IOException {
                return Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }

            @Override
            public void sync(Path path) throws IOException {
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                    channel.force(true);
                }
            }

            @Override
            public void rename(Path from, Path to) throws IOException {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            }
        };
    }
}
