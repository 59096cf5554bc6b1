package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code --method ssp}'s options: refused where they do not apply, bad values in one line, nothing written. */
class SspOptionsTest {

    @TempDir Path dir;

    @Test
    void refusesOptionsItDoesNotUseAndBudgetsThatEmptyABlock() {
        SviteCli.Result r = SviteCli.run("train", "--method", "ssp", "--dataset", "synthetic", "--sparsity", "0.5");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--sparsity"), r.err());
        r = SviteCli.run("train", "--method", "ssp", "--dataset", "synthetic", "--heads", "0.2", "--out",
                dir.resolve("none").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(last(r.err()).startsWith("svite: a fraction of 0.2 of the heads keeps floor(3 × 0.2) = 0"), r.err());
        assertTrue(Files.notExists(dir.resolve("none")));
        r = SviteCli.run("train", "--method", "ssp", "--dataset", "synthetic", "--salience", "magnitude");
        assertTrue(r.err().contains("unknown --salience 'magnitude'; use taylor or l1"), r.err());
        r = SviteCli.run("train", "--method", "ssp", "--dataset", "synthetic", "--force-swap");
        assertTrue(r.err().contains("--force-swap applies to --method s2vite, not --method ssp"), r.err());
        r = SviteCli.run("train", "--method", "ssp", "--dataset", "synthetic", "--salience", "l1", "--salience-batches", "5");
        assertTrue(r.err().contains("--salience-batches applies to --salience taylor, not --salience l1"), r.err());
        r = SviteCli.run("train", "--method", "dense", "--dataset", "synthetic", "--salience", "l1");
        assertTrue(r.err().contains("--salience applies to --method ssp, not --method dense"), r.err());
        r = SviteCli.run("train", "--method", "ssp", "--dataset", "synthetic", "--epochs", "1");
        assertTrue(r.err().contains("needs --epochs 2 or more"), r.err());
    }

    private static String last(String err) {
        List<String> lines = err.lines().filter(l -> l.startsWith("svite:")).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
