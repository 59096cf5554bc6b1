package io.svite.core.training;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Shows the progress of long work (training epochs, evaluation passes): where it is, loss,
 * accuracy, time spent and the time left.
 *
 * <p>On an interactive terminal one line is redrawn in place with a bar. Otherwise (a log file, a
 * pipe, CI) a self-contained line is printed about every ten seconds, starting with the first
 * batch: the wall-clock time, the position as counts and a percentage, the metrics, the elapsed
 * time and the ETA — no carriage returns, no bar. {@code SVITE_PROGRESS=lines} forces log lines
 * (e.g. when standard error goes to a file from an interactive shell), {@code bar} the redrawn
 * line, {@code off} silences progress.
 */
public final class ProgressPrinter {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private final PrintStream out;
    private final boolean interactive;
    private final long intervalNanos;
    private final long startNanos;
    private long lastPrint;
    private int lastWidth;

    ProgressPrinter(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
        this.intervalNanos = interactive ? 250_000_000L : 10_000_000_000L;
        this.startNanos = System.nanoTime();
        this.lastPrint = startNanos - intervalNanos; // the first batch is shown at once
    }

    /**
     * A printer for a stream, interactive when a console is attached unless {@code SVITE_PROGRESS}
     * says otherwise.
     *
     * @param out where to print, or null for nothing
     * @return the printer
     */
    public static ProgressPrinter to(PrintStream out) {
        String mode = System.getenv("SVITE_PROGRESS");
        if (out == null || "off".equals(mode)) {
            return new ProgressPrinter(null, false);
        }
        boolean interactive = "bar".equals(mode) || (!"lines".equals(mode) && System.console() != null);
        return new ProgressPrinter(out, interactive);
    }

    /**
     * Whether enough time has passed to show a new line; reading metrics costs a device sync.
     *
     * @return true when a new line is due
     */
    public boolean due() {
        return out != null && System.nanoTime() - lastPrint >= intervalNanos;
    }

    /**
     * Shows a training batch: phase and epoch, batch, running loss and accuracy, ETA of the phase.
     *
     * @param phase the phase's label, empty or ending with a space (e.g. {@code "finetune "})
     * @param epoch the epoch of the phase, from 1
     * @param epochs the phase's epochs
     * @param batch batches done in the epoch
     * @param batches batches in the epoch
     * @param loss the running mean loss
     * @param accuracy the running accuracy
     * @param etaSeconds the time left in the phase, NaN if unknown
     */
    public void show(String phase, int epoch, int epochs, long batch, long batches, double loss, double accuracy, double etaSeconds) {
        show(String.format(Locale.ROOT, "%sepoch %d/%d", phase, epoch, epochs), batch, batches,
                String.format(Locale.ROOT, "loss %.4f  acc %5.1f%%", loss, 100 * accuracy), etaSeconds);
    }

    /**
     * Shows a position in some long work.
     *
     * @param what the work, e.g. {@code epoch 1/2} or {@code eval}
     * @param batch batches done
     * @param batches batches in all
     * @param measures the running metrics, e.g. {@code loss 0.4123  acc  85.1%}
     * @param etaSeconds the time left, NaN if unknown
     */
    public void show(String what, long batch, long batches, String measures, double etaSeconds) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        lastPrint = now;
        if (interactive) {
            int barWidth = 24;
            int filled = batches == 0 ? 0 : (int) Math.min(barWidth, barWidth * batch / batches);
            String bar = "=".repeat(filled) + (filled < barWidth ? ">" : "") + " ".repeat(Math.max(0, barWidth - filled - 1));
            String line = String.format(Locale.ROOT, "%s [%s] %d/%d  %s  ETA %s", what, bar, batch, batches, measures,
                    formatDuration(etaSeconds));
            out.print('\r' + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
        } else {
            out.println(String.format(Locale.ROOT, "%s  %s  batch %d/%d (%d%%)  %s  elapsed %s  ETA %s",
                    LocalTime.now().format(CLOCK), what, batch, batches, batches == 0 ? 0 : 100 * batch / batches,
                    measures, formatDuration((now - startNanos) / 1e9), formatDuration(etaSeconds)));
        }
        out.flush();
    }

    /**
     * Ends the progress display with a summary line (an epoch's result).
     *
     * @param summary the line
     */
    public void endLine(String summary) {
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

    /**
     * A duration as a clock, {@code mm:ss} or {@code h:mm:ss}.
     *
     * @param seconds the duration
     * @return e.g. {@code 01:05}; {@code --:--} for a negative or non-finite value
     */
    public static String formatDuration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "--:--";
        }
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
