package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.io.DeiTFiles;
import io.svite.models.methods.S2viteMethod;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code svite train --method s2vite} and {@code svite compact} of its run folder (the method's own
 * behaviour is tested in {@code io.svite.models.methods.S2viteMethodTest}).
 */
class S2viteCommandTest {

    @TempDir Path dir;

    static String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Svite.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new String[] {
            Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
        };
    }

    static String[] train(Path out, String... extra) {
        String[] base = {"train", "--method", "s2vite", "--dataset", "synthetic", "--epochs", "1", "--max-batches", "6",
            "--batch-size", "16", "--update-every", "2", "--json", "--quiet", "--out", out.toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return run(all);
    }

    @Test
    void compactOnAnS2viteRunFolderRebuildsItsCompactedModelExactly() throws Exception {
        Path out = dir.resolve("run");
        String[] r = train(out, "--heads", "0.7", "--neurons", "0.6");
        assertEquals("0", r[0], r[2]);
        JsonObject report = JsonParser.parseString(r[1]).getAsJsonObject();
        long params = report.get("params").getAsLong();

        // svite compact on the run folder compacts gated/ into the same architecture, exactly
        Path again = dir.resolve("again");
        String[] c = run("compact", "--checkpoint", out.toString(), "--out", again.toString(), "--json");
        assertEquals("0", c[0], c[2]);
        JsonObject compact = JsonParser.parseString(c[1]).getAsJsonObject();
        assertEquals(params, compact.getAsJsonObject("after").get("params").getAsLong());
        assertEquals(678_730L, compact.getAsJsonObject("before").get("params").getAsLong());
        assertTrue(compact.get("maxAbsDifference").getAsDouble() <= 1e-5, c[1]);
        assertEquals(DeiTFiles.readConfig(out.resolve("model")), DeiTFiles.readConfig(again));
        c = run("compact", "--checkpoint", out.resolve(S2viteMethod.GATED).toString(), "--out",
                dir.resolve("third").toString());
        assertEquals("0", c[0], c[2]);
        assertTrue(c[1].contains("heads           2,2,2,2,2,2 of 3 per block") && c[1].contains("fewer"), c[1]);
    }

    @Test
    void badBudgetsFailBeforeTrainingWithOneClearLine() {
        String[] r = train(dir.resolve("x"), "--heads", "0.2");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("svite: a fraction of 0.2 of the heads keeps floor(3 × 0.2) = 0 of the 3 units of"
                + " block0_attn_heads"), r[2]);
        assertTrue(!r[2].contains("\tat "), r[2]);
        r = run("train", "--dataset", "synthetic", "--heads", "0.5");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--heads applies to --method s2vite, not --method dense"), r[2]);
        r = run("train", "--method", "s2vite", "--dataset", "synthetic", "--neuron-prune", "random");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("unknown neuron prune score 'random'"), r[2]);
        r = run("train", "--method", "s2vite", "--dataset", "synthetic", "--headz", "0.5");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--headz"), r[2]);
    }
}
