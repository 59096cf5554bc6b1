package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Issue 15: a JVM asked to exit while {@code svite train} is inside a backward pass used to run
 * libtorch's static destructors under it, and the backward's convolution then crashed in oneDNN's
 * destroyed primitive cache (SIGSEGV in {@code lru_primitive_cache_t::get}), or the process just
 * vanished mid-step without a word. Now the exit waits for the step to finish, the run stops
 * before the next one and says so.
 */
class TrainCommandShutdownTest {

    @TempDir Path dir;

    @Test
    void aTerminationSignalDuringABackwardPassStopsTheRunAfterTheStepInsteadOfCrashingTheJvm() throws Exception {
        Path run = dir.resolve("run");
        Path stderr = dir.resolve("stderr.txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        command.add("-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"));
        for (String p : new String[] {"ai.djl.offline", "ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads",
                "disableProgressBar"}) {
            if (System.getProperty(p) != null) {
                command.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(ExitDuringBackward.class.getName());
        // batch 64: a backward pass of deit-mini takes a good fraction of a second, longer than the
        // 300 ms the JVM waits for threads in native code before it runs exit()
        command.addAll(List.of("train", "--dataset", "synthetic", "--epochs", "1", "--max-batches", "30", "--batch-size",
                "64", "--seed", "5", "--out", run.toString(), "--quiet"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectError(stderr.toFile()).start();
        StringBuilder out = new StringBuilder();
        boolean signalled = false;
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.append(line).append('\n');
                if (!signalled && line.equals("in-backward")) {
                    // SIGTERM on Linux, as a scheduler or kill sends it (Process.destroy would also close our end of the pipes)
                    process.toHandle().destroy();
                    signalled = true;
                }
            }
        } finally {
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        String err = Files.readString(stderr);
        String all = out + err;
        assertTrue(signalled, "the backward pass was never seen: " + all);
        assertFalse(all.contains("A fatal error has been detected"), all);
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("hs_err_pid")), "a JVM crash log: " + all);
        }
        assertEquals(143, process.exitValue(), "ended by SIGTERM (128 + 15) after a clean stop: " + all);
        // the step under way finished, the next one never started, and the user is told how to go on
        assertTrue(err.contains("svite: stopped before step "), err);
        assertTrue(err.contains("of phase 'train': the JVM is shutting down"), err);
        assertTrue(err.contains("'svite train --resume " + run + "' continues from the newest checkpoint in it"), err);
        assertFalse(err.contains("\tat "), "no stack trace for an expected stop: " + err);
        assertTrue(Files.exists(run.resolve("recipe.json")), "the run folder was written before training");
        assertFalse(Files.exists(run.resolve("model")), "the stopped run has no final model");
    }
}
