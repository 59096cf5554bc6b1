package io.svite.core.training;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the JVM from exiting while a thread is inside PyTorch, and asks that thread to stop.
 *
 * <p><b>Why.</b> When the JVM shuts down (Ctrl-C, {@code kill}, a scheduler's SIGTERM, or {@code
 * System.exit} on another thread) it waits at most 300 ms for threads running native code, then
 * calls the C library's {@code exit()}, which runs libtorch's static destructors. A thread still
 * inside a long PyTorch call — a backward pass takes seconds on a CPU — goes on running native
 * code against destroyed globals: the next convolution looks up oneDNN's primitive cache after its
 * destructor ran and the JVM dies with SIGSEGV in {@code dnnl::impl::lru_primitive_cache_t::get}
 * (the {@code hs_err_pid6510.log} of issue 15; reproduced in {@code docs/reliability.md}).
 *
 * <p><b>How.</b> Work that calls the engine runs inside {@link #hold()}; the first hold installs
 * one shutdown hook. When the JVM starts to shut down the hook marks the exit as requested and
 * waits until every holding thread has closed its hold (or is itself blocked in {@code
 * System.exit}, or is gone), at most {@link #waitSeconds()} seconds. Loops call {@link
 * #stopIfExiting(String)} between batches, which throws {@link TrainingStoppedException}; the
 * thread unwinds, closing its trainers and models, closes its hold, and only then does the JVM run
 * libtorch's destructors. The run pipeline, the comparison and the command line hold; an {@code
 * EasyTrain.fit} loop of a library user can do the same:
 *
 * <pre>{@code
 * try (ExitGuard.Hold hold = ExitGuard.hold()) {
 *     EasyTrain.fit(trainer, epochs, train, test);   // with a listener calling ExitGuard.stopIfExiting(...)
 * }
 * }</pre>
 *
 * <p>The wait is bounded: {@code -Dsvite.exit.wait=SECONDS} (default {@value #DEFAULT_WAIT_SECONDS}).
 * A second signal during the wait does not shorten it (the JVM ignores it); {@code kill -9} does.
 */
public final class ExitGuard {

    /** Seconds the shutdown waits for holders when {@code svite.exit.wait} is not set. */
    public static final long DEFAULT_WAIT_SECONDS = 120;

    private static final Logger LOG = LoggerFactory.getLogger(ExitGuard.class);

    private static final Object LOCK = new Object();
    private static final Map<Thread, Integer> HOLDERS = new HashMap<>();
    private static volatile boolean exiting;
    private static boolean hookInstalled;

    private ExitGuard() {}

    /**
     * Marks the calling thread as running engine work until the hold is closed: a JVM shutdown that
     * starts meanwhile waits for it. Holds nest (a thread may hold several times).
     *
     * @return the hold, to close in the same thread
     * @throws TrainingStoppedException if the JVM is already shutting down (no new work starts then)
     */
    public static Hold hold() {
        Thread thread = Thread.currentThread();
        synchronized (LOCK) {
            if (exiting) {
                throw new TrainingStoppedException("not started: the JVM is shutting down");
            }
            installHook();
            HOLDERS.merge(thread, 1, Integer::sum);
        }
        return new Hold(thread);
    }

    /**
     * Whether the JVM has started to shut down while work was held.
     *
     * @return true once the shutdown hook has run
     */
    public static boolean exitRequested() {
        return exiting;
    }

    /**
     * Stops the calling loop if the JVM is shutting down; call it between batches.
     *
     * @param where what would have run next, for the message (e.g. {@code "step 120 of phase 'train'"})
     * @throws TrainingStoppedException if the JVM is shutting down
     */
    public static void stopIfExiting(String where) {
        if (exiting) {
            throw new TrainingStoppedException("stopped before " + where
                    + ": the JVM is shutting down (interrupt, termination signal or System.exit)");
        }
    }

    /**
     * The longest the shutdown waits for the holders.
     *
     * @return seconds, from {@code -Dsvite.exit.wait} or {@value #DEFAULT_WAIT_SECONDS}
     */
    public static long waitSeconds() {
        String s = System.getProperty("svite.exit.wait");
        if (s == null) {
            return DEFAULT_WAIT_SECONDS;
        }
        try {
            return Math.max(0, Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            LOG.warn("-Dsvite.exit.wait={} is not a whole number of seconds; using {}", s, DEFAULT_WAIT_SECONDS);
            return DEFAULT_WAIT_SECONDS;
        }
    }

    private static void installHook() {
        if (hookInstalled) {
            return;
        }
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(ExitGuard::awaitHolders, "svite-exit-guard"));
        } catch (IllegalStateException shuttingDown) {
            exiting = true;
            throw new TrainingStoppedException("not started: the JVM is shutting down");
        }
        hookInstalled = true;
    }

    /** The shutdown hook: asks the holders to stop and waits until none is left in engine work. */
    private static void awaitHolders() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds());
        synchronized (LOCK) {
            exiting = true;
            boolean told = false;
            while (true) {
                HOLDERS.keySet().removeIf(t -> !t.isAlive() || inShutdown(t));
                if (HOLDERS.isEmpty()) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("the JVM is exiting while {} still runs engine work (waited {} s; -Dsvite.exit.wait)",
                            HOLDERS.keySet(), waitSeconds());
                    return;
                }
                if (!told) {
                    LOG.warn("shutting down: waiting for {} to stop after its current step", HOLDERS.keySet());
                    told = true;
                }
                try {
                    // wakes on every release; the timeout re-checks threads that died or called System.exit
                    LOCK.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A holder blocked in System.exit (or Runtime.halt) will never close its hold: do not wait for it. */
    private static boolean inShutdown(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals("java.lang.Shutdown")) {
                return true;
            }
        }
        return false;
    }

    private static void release(Thread thread) {
        synchronized (LOCK) {
            HOLDERS.computeIfPresent(thread, (t, n) -> n > 1 ? n - 1 : null);
            LOCK.notifyAll();
        }
    }

    /** One thread's claim that it runs engine work; close it in that thread when the work is done. */
    public static final class Hold implements AutoCloseable {

        private final Thread thread;
        private boolean closed;

        private Hold(Thread thread) {
            this.thread = thread;
        }

        /** Ends the claim; a shutdown waiting for this thread may go on. Closing twice does nothing. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(thread);
            }
        }
    }
}
