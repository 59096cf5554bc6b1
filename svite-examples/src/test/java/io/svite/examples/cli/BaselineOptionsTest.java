package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.methods.GmpMethod;
import io.svite.models.methods.OmpMethod;
import io.svite.models.methods.SmallDenseMethod;
import io.svite.models.methods.TaylorMethod;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BaselineOptionsTest {

    private static BaselineOptions parse(String... args) {
        BaselineOptions o = new BaselineOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    private static TrainRecipe epochs(int n) {
        TrainRecipe d = TrainRecipe.defaults();
        return new TrainRecipe(d.model(), "synthetic", null, n, 8, 2, d.learningRate(), d.minLearningRate(),
                d.weightDecay(), 0, d.labelSmoothing(), -1, 1, null);
    }

    @Test
    void eachMethodGetsItsDocumentedDefaults() {
        TrainingMethod omp = parse().method("omp", 0.5, epochs(6));
        assertInstanceOf(OmpMethod.class, omp);
        JsonObject s = omp.settings();
        assertEquals("global", s.get("scope").getAsString());
        assertEquals(3, s.get("denseEpochs").getAsInt());
        assertEquals(3, s.get("finetuneEpochs").getAsInt());

        s = parse().method("gmp", 0.5, epochs(2)).settings();
        assertEquals("per-layer uniform", s.get("scope").getAsString());
        assertEquals(1.0 / 6, s.get("pruneStart").getAsDouble(), 1e-12);
        assertEquals(0.5, s.get("pruneEnd").getAsDouble());
        assertEquals(20, s.get("pruneEvents").getAsInt());

        TrainingMethod tp = parse().method("tp", 0.5, epochs(2));
        assertInstanceOf(TaylorMethod.class, tp);
        s = tp.settings();
        assertEquals("gradual", s.get("mode").getAsString());
        assertEquals("global", s.get("scope").getAsString());
        assertEquals("taylor", s.get("criterion").getAsString());
        assertEquals(0, s.get("scoreWindow").getAsLong(), "0 = one epoch");

        assertInstanceOf(SmallDenseMethod.class, parse().method("small-dense", 0.5, epochs(2)));
        assertEquals("nearest", parse().method("small-dense", 0.5, epochs(2)).settings().get("depthRule").getAsString());
    }

    @Test
    void optionsBecomeLibraryTypes() {
        JsonObject s = parse("--scope", "erk", "--dense-epochs", "4").method("omp", 0.7, epochs(5)).settings();
        assertEquals("per-layer erdos-renyi-kernel", s.get("scope").getAsString());
        assertEquals(4, s.get("denseEpochs").getAsInt());
        assertEquals(1, s.get("finetuneEpochs").getAsInt());
        s = parse("--prune-start", "0.1", "--prune-end", "0.8", "--prune-events", "5", "--initial-sparsity", "0.2",
                "--scope", "global").method("gmp", 0.7, epochs(2)).settings();
        assertEquals(0.1, s.get("pruneStart").getAsDouble());
        assertEquals(0.8, s.get("pruneEnd").getAsDouble());
        assertEquals(5, s.get("pruneEvents").getAsInt());
        assertEquals(0.2, s.get("initialSparsity").getAsDouble());
        assertEquals("global", s.get("scope").getAsString());
        s = parse("--tp-mode", "one-shot", "--tp-window", "7", "--dense-epochs", "1").method("tp", 0.5, epochs(3))
                .settings();
        assertEquals("one-shot", s.get("mode").getAsString());
        assertEquals(7, s.get("scoreWindow").getAsLong());
        assertEquals(2, s.get("finetuneEpochs").getAsInt());
        assertEquals("at-most", parse("--depth-rule", "at-most").method("small-dense", 0.5, epochs(2)).settings()
                .get("depthRule").getAsString());
        assertInstanceOf(GmpMethod.class, parse().method("gmp", 0.5, epochs(2)));
    }

    @Test
    void optionsOfOtherMethodsAndBadValuesGetOneClearLine() {
        String[][] cases = {
            {"dense", "--scope", "global", "--scope applies to --method omp, gmp or tp, not --method dense"},
            {"svite", "--prune-events", "5", "--prune-events applies to --method gmp or tp (gradual), not --method svite"},
            {"gmp", "--dense-epochs", "1", "--dense-epochs applies to --method omp, ssp or tp --tp-mode one-shot, not --method gmp"},
            {"omp", "--depth-rule", "nearest", "--depth-rule applies to --method small-dense, not --method omp"},
            {"small-dense", "--tp-mode", "gradual", "--tp-mode applies to --method tp, not --method small-dense"},
            {"omp", "--update-every", "5", "--update-every applies to --method svite, not --method omp"},
            {"gmp", "--scope", "layer", "unknown --scope 'layer'; use global, uniform, erk or er"},
            {"tp", "--tp-mode", "once", "unknown --tp-mode 'once'; use gradual or one-shot"},
            {"small-dense", "--depth-rule", "max", "unknown --depth-rule 'max'; use nearest or at-most"},
            {"tp", "--tp-window", "0", "--tp-window must be >= 1, got 0"},
            {"gmp", "--prune-end", "0.1", "pruning end must be a fraction of the run in (start 0.16666666666666666, 1], got 0.1"},
            {"gmp", "--initial-sparsity", "0.6", "initial sparsity 0.6 is above the final sparsity 0.5"},
            {"omp", "--sparsity", "1", "sparsity must be in [0, 1), got 1.0"},
        };
        for (String[] c : cases) {
            String[] r = TrainCommandTest.run("train", "--method", c[0], "--dataset", "synthetic", c[1], c[2]);
            assertEquals("2", r[0], String.join(" ", c) + ": " + r[2]);
            assertTrue(r[2].startsWith("svite: ") && r[2].contains(c[3]), String.join(" ", c) + ": " + r[2]);
            assertFalse(r[2].contains("\tat "), "no stack trace: " + r[2]);
        }
        String[] r = TrainCommandTest.run("train", "--method", "tp", "--tp-mode", "one-shot", "--prune-start", "0.2",
                "--dataset", "synthetic");
        assertTrue(r[2].contains("--prune-start applies to --method gmp or tp (gradual), not --method tp --tp-mode one-shot"),
                r[2]);
        r = TrainCommandTest.run("train", "--method", "omp", "--epochs", "1", "--dataset", "synthetic");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("omp trains dense, prunes once, then fine-tunes: it needs --epochs 2 or more, got 1"), r[2]);
        r = TrainCommandTest.run("plan", "--method", "small-dense", "--depth-rule", "at-most", "--sparsity", "0.999");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("below the") && r[2].contains("one-block model"), r[2]);
    }
}
