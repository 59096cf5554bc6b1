package io.svite.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link ExitGuard}: a JVM shutdown waits for a holding thread to stop between its steps, and never
 * waits for ever. The shutdown cases run in a child JVM (this one must not exit); they need no
 * engine: a "step" is a sleep.
 */
class ExitGuardTest {

    @Test
    void withoutAShutdownHoldsNestAndNothingStops() {
        assertFalse(ExitGuard.exitRequested());
        try (ExitGuard.Hold outer = ExitGuard.hold(); ExitGuard.Hold inner = ExitGuard.hold()) {
            ExitGuard.stopIfExiting("step 1");
            inner.close(); // closing twice is harmless
        }
        ExitGuard.stopIfExiting("step 2");
    }

    @Test
    void theWaitComesFromAPropertyAndABadValueFallsBackToTheDefault() {
        String old = System.getProperty("svite.exit.wait");
        try {
            System.clearProperty("svite.exit.wait");
            assertEquals(ExitGuard.DEFAULT_WAIT_SECONDS, ExitGuard.waitSeconds());
            System.setProperty("svite.exit.wait", "7");
            assertEquals(7, ExitGuard.waitSeconds());
            System.setProperty("svite.exit.wait", "soon");
            assertEquals(ExitGuard.DEFAULT_WAIT_SECONDS, ExitGuard.waitSeconds());
        } finally {
            if (old == null) {
                System.clearProperty("svite.exit.wait");
            } else {
                System.setProperty("svite.exit.wait", old);
            }
        }
    }

    @Test
    void anExitFromAnotherThreadWaitsUntilTheWorkerStopsAtItsNextStep() throws Exception {
        Child c = child("stops");
        assertEquals(0, c.code, c.output);
        // the worker saw the request, unwound and released its hold before the JVM went on exiting
        assertTrue(c.output.contains("worker: stopped before step "), c.output);
        assertTrue(c.output.contains("the JVM is shutting down"), c.output);
        // printed just before the hold is released: without the guard the JVM halts while the worker sleeps
        assertTrue(c.output.contains("worker: releasing the hold"), c.output);
    }

    @Test
    void aHolderThatCallsSystemExitItselfIsNotWaitedFor() throws Exception {
        long start = System.nanoTime();
        Child c = child("exits-while-holding");
        assertEquals(3, c.code, c.output);
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 60, "took the whole wait: " + c.output);
    }

    @Test
    void aHolderThatNeverStopsDelaysTheExitOnlyForTheConfiguredWait() throws Exception {
        long start = System.nanoTime();
        Child c = child("never-stops", "-Dsvite.exit.wait=2");
        assertEquals(0, c.code, c.output);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertTrue(seconds < 60, "took " + seconds + " s: " + c.output);
        assertTrue(c.output.contains("still runs engine work (waited 2 s"), c.output);
    }

    @Test
    void noWorkStartsOnceTheJvmIsShuttingDown() throws Exception {
        Child c = child("hold-in-hook");
        assertEquals(0, c.code, c.output);
        assertTrue(c.output.contains("hook: refused: not started: the JVM is shutting down"), c.output);
    }

    private record Child(int code, String output) {}

    private static Child child(String scenario, String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(ExitGuardChild.class.getName());
        command.add(scenario);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM (" + scenario + ") did not exit within 120 s");
        }
        return new Child(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
