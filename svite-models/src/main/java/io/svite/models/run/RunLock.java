package io.svite.models.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The operating system's lock on a run folder ({@code .svite.lock}) while one process trains in it. */
final class RunLock implements AutoCloseable {

    /** The lock file's name inside the run folder. */
    static final String FILE = ".svite.lock";

    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    private final Path runDir;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path runDir, FileChannel channel, FileLock lock) {
        this.runDir = runDir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks a run folder.
     *
     * @param runDir the run folder
     * @return the lock, released by {@link #close}
     * @throws IllegalStateException if another process holds it
     * @throws IOException if the lock file cannot be opened
     */
    static RunLock acquire(Path runDir) throws IOException {
        Path lockFile = runDir.resolve(FILE);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            channel.close();
            throw new IllegalStateException(
                    "another svite process is training in " + runDir + " (it holds " + lockFile
                            + "); wait for it to finish or stop it first");
        }
        return new RunLock(runDir, channel, l);
    }

    /** Releases the lock and removes the lock file. */
    @Override
    public void close() {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            channel.close();
            Files.deleteIfExists(runDir.resolve(FILE));
        } catch (IOException e) {
            LOG.warn("could not release {}: {}", runDir.resolve(FILE), e.getMessage());
        }
    }
}
