package io.svite.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

class ProgressPrinterTest {

    @Test
    void logLinesAreSelfContainedAndTheFirstBatchIsShownAtOnce() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter p = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        assertTrue(p.due(), "the first batch is due at once");
        p.show("", 1, 2, 3, 10, 0.5, 0.25, 7.4);
        assertFalse(p.due(), "then only every ten seconds");
        p.endLine("epoch 1/2  done");
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("\r"), "no carriage returns in logs");
        String first = text.lines().findFirst().orElseThrow();
        assertTrue(first.matches("\\d\\d:\\d\\d:\\d\\d  epoch 1/2  batch 3/10 \\(30%\\)  loss 0\\.5000  acc  25\\.0%"
                + "  elapsed \\d\\d:\\d\\d  ETA 00:07"), first);
        assertEquals("epoch 1/2  done", text.lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void aTerminalGetsOneRedrawnLineWithABar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter p = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        p.show("eval", 5, 10, "acc  80.0%", 65);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("\reval [============>           ] 5/10  acc  80.0%  ETA 01:05"), text);
        assertFalse(text.contains("\n"));
    }

    @Test
    void noStreamMeansSilence() {
        ProgressPrinter p = new ProgressPrinter(null, false);
        assertFalse(p.due());
        p.show("x", 1, 1, "", 0);
        p.endLine("done");
    }

    @Test
    void durationsAreClockLike() {
        assertEquals("00:59", ProgressPrinter.formatDuration(59.4));
        assertEquals("1:00:00", ProgressPrinter.formatDuration(3600));
        assertEquals("--:--", ProgressPrinter.formatDuration(Double.NaN));
    }
}
