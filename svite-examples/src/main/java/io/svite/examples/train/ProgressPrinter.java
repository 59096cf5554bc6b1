package io.svite.examples.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows training progress on a terminal: epoch, batch, loss, accuracy and the time left.
 *
 * <p>On an interactive terminal one line is redrawn in place; otherwise a line is printed about
 * every ten seconds, so logs stay short.
 */
final class ProgressPrinter {

    private final PrintStream out;
    private final boolean interactive;
    private final long intervalNanos;
    private long lastPrint;
    private int lastWidth;

    ProgressPrinter(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
        this.intervalNanos = interactive ? 250_000_000L : 10_000_000_000L;
    }

    /** Whether enough time has passed to show a new line; reading metrics costs a device sync. */
    boolean due() {
        return out != null && System.nanoTime() - lastPrint >= intervalNanos;
    }

    void show(String phase, int epoch, int epochs, long batch, long batches, double loss, double accuracy, double etaSeconds) {
        if (out == null) {
            return;
        }
        lastPrint = System.nanoTime();
        int barWidth = 24;
        int filled = batches == 0 ? 0 : (int) Math.min(barWidth, barWidth * batch / batches);
        String bar = "=".repeat(filled) + (filled < barWidth ? ">" : "") + " ".repeat(Math.max(0, barWidth - filled - 1));
        String line =
                String.format(
                        Locale.ROOT,
                        "%sepoch %d/%d [%s] %d/%d  loss %.4f  acc %5.1f%%  ETA %s",
                        phase,
                        epoch,
                        epochs,
                        bar,
                        batch,
                        batches,
                        loss,
                        100 * accuracy,
                        formatDuration(etaSeconds));
        if (interactive) {
            out.print('\r' + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    void endLine(String summary) {
        if (out == null) {
            return;
        }
        if (interactive) {
            out.print('\r' + " ".repeat(lastWidth) + '\r');
            lastWidth = 0;
        }
        out.println(summary);
        out.flush();
    }

    static String formatDuration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "--:--";
        }
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
