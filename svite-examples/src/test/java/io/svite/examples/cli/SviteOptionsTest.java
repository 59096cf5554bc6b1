package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.schedule.Decay;
import io.svite.models.methods.SviteRecipe;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SviteOptionsTest {

    private static SviteOptions parse(String... args) {
        SviteOptions o = new SviteOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    @Test
    void stringsBecomeLibraryTypesWithTheDocumentedDefaults() {
        SviteRecipe d = parse().recipe(42);
        assertEquals(SparsityDistribution.erdosRenyiKernel(0.5), d.distribution());
        assertEquals(Decay.cosine(), d.decay());
        assertEquals(0.5, d.pruneFraction());
        assertEquals(42, d.seed());
        assertEquals(46, d.intervalFor(938), "the 2-epoch mini run updates every 46 steps");
        assertEquals(750, d.trainer(938).schedule().end());

        SviteRecipe r =
                parse("--sparsity", "0.7", "--distribution", "uniform", "--update-every", "10", "--update-until", "90",
                        "--prune-fraction", "0.3", "--decay", "cosine-floor", "--mask-seed", "5").recipe(42);
        assertEquals(SparsityDistribution.uniform(0.7), r.distribution());
        assertEquals(Decay.cosineWithFloor(0.005), r.decay());
        assertEquals(10, r.trainer(100).schedule().interval());
        assertEquals(90, r.trainer(100).schedule().end());
        assertEquals(0.3, r.pruneFraction());
        assertEquals(5, r.seed());
        assertEquals(SparsityDistribution.erdosRenyi(0.5), parse("--distribution", "er").recipe(1).distribution());
        assertEquals(Decay.linear(), parse("--decay", "linear").recipe(1).decay());
        assertEquals(Decay.constant(), parse("--decay", "constant").recipe(1).decay());
    }

    @Test
    void badValuesGetOneClearLineAndExitCodeTwo() {
        String[][] cases = {
            {"--sparsity", "1.0", "sparsity must be in [0, 1), got 1.0"},
            {"--distribution", "erdos", "unknown distribution 'erdos'; use erk, er or uniform"},
            {"--decay", "exp", "unknown decay 'exp'"},
            {"--update-every", "0", "--update-every must be >= 1, got 0"},
            {"--prune-fraction", "0", "prune fraction must be in (0, 1], got 0.0"},
        };
        for (String[] c : cases) {
            String[] r = TrainCommandTest.run("train", "--method", "svite", "--dataset", "synthetic", c[0], c[1]);
            assertEquals("2", r[0], String.join(" ", c));
            assertTrue(r[2].startsWith("svite: ") && r[2].contains(c[2]), r[2]);
            assertFalse(r[2].contains("\tat "), "no stack trace: " + r[2]);
        }
        String[] r = TrainCommandTest.run("train", "--sparsity", "0.5", "--dataset", "synthetic");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--sparsity applies to --method svite, not --method dense"), r[2]);
        r = TrainCommandTest.run("train", "--method", "magic", "--dataset", "synthetic");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("unknown method 'magic'; known: dense, svite"), r[2]);
        r = TrainCommandTest.run("train", "--method", "svite", "--update-until", "5000", "--dataset", "synthetic",
                "--epochs", "1", "--max-batches", "2");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("end step 5000 is after the last step 2"), r[2]);
    }
}
