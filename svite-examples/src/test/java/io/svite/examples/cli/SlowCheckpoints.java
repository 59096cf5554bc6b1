package io.svite.examples.cli;

import io.svite.core.checkpoint.Storage;

import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The command line with a slow checkpoint disk, for a test that kills the process while a
 * checkpoint is being written: {@code train} writes its checkpoints through a {@link Storage} that
 * sleeps before it creates each file and before each rename.
 */
final class SlowCheckpoints implements Storage {

    private final Storage disk = Storage.local();
    private final long pauseMillis;

    SlowCheckpoints(long pauseMillis) {
        this.pauseMillis = pauseMillis;
    }

    /**
     * Runs {@code svite} with a train command whose checkpoint writes pause 1.5 s per file.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory slow = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == TrainCommand.class ? cls.cast(new TrainCommand(new SlowCheckpoints(1500))) : defaults.create(cls);
            }
        };
        System.exit(Svite.run(slow, args));
    }

    private void pause() {
        try {
            Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public OutputStream create(Path file) throws IOException {
        pause();
        return disk.create(file);
    }

    @Override
    public void sync(Path path) throws IOException {
        disk.sync(path);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        pause();
        disk.rename(from, to);
    }
}
