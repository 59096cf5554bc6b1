package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.methods.S2viteRecipe;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

class S2viteOptionsTest {

    /** A command holding the two mixins, as train and plan do. */
    static final class Holder {
        @Mixin SviteOptions sparse;
        @Mixin S2viteOptions structured;
    }

    static Holder parse(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h;
    }

    static S2viteRecipe recipe(String... args) {
        Holder h = parse(args);
        return h.structured.recipe(h.sparse, 42);
    }

    @Test
    void defaultsAreTheReferencesDeitSmallSettingAndTheSviteSchedule() {
        S2viteRecipe r = recipe();
        assertEquals("keep heads 0.7, neurons 0.6", r.budget().toString());
        assertEquals(0, r.interval());
        assertEquals(0.5, r.pruneFraction());
        assertEquals("weight-l1", r.neuronPrune().toString());
        assertEquals(10, r.scoreWindow());
        assertTrue(r.regrowPruned());
        assertFalse(r.gatedUnits(), "only the active units are computed between score windows");
        assertEquals(42, r.seed());
        assertNull(r.unstructured(), "no SViTE masks without --sparsity");

        r = recipe("--heads", "0.5", "--neurons", "1", "--update-every", "7", "--prune-fraction", "0.3", "--decay",
                "linear", "--neuron-prune", "taylor", "--score-window", "1", "--force-swap", "--gated-units",
                "--unit-seed", "9", "--sparsity", "0.4", "--distribution", "uniform");
        assertEquals("keep heads 0.5, neurons 1", r.budget().toString());
        assertEquals(7, r.interval());
        assertEquals(0.3, r.pruneFraction());
        assertEquals("taylor", r.neuronPrune().toString());
        assertEquals(1, r.scoreWindow());
        assertFalse(r.regrowPruned());
        assertTrue(r.gatedUnits());
        assertEquals(9, r.seed());
        assertEquals("uniform(0.4)", r.unstructured().distribution().toString());
        assertEquals(7, r.unstructured().interval(), "one schedule for both engines");

        assertEquals("uniform(0.3)", recipe("--structured-sparsity", "0.3").budget().toString());
        assertEquals("erdos-renyi(0.3)",
                recipe("--structured-sparsity", "0.3", "--structured-distribution", "er").budget().toString());
    }

    @Test
    void badValuesAndContradictionsAreOneClearMessage() {
        assertMessage("--heads must be a fraction in (0, 1], got 1.5", "--heads", "1.5");
        assertMessage("--neurons must be a fraction in (0, 1], got 0.0", "--neurons", "0");
        assertMessage("give --heads/--neurons or --structured-sparsity, not both", "--heads", "0.5",
                "--structured-sparsity", "0.3");
        assertMessage("--structured-sparsity must be in [0, 1), got 1.0", "--structured-sparsity", "1");
        assertMessage("unknown structured distribution 'erk'; use uniform or er", "--structured-sparsity", "0.3",
                "--structured-distribution", "erk");
        assertMessage("--structured-distribution needs --structured-sparsity", "--structured-distribution", "er");
        assertMessage("unknown neuron prune score 'magnitude'; use l1 or taylor", "--neuron-prune", "magnitude");
        assertMessage("--score-window must be >= 1 batch, got 0", "--score-window", "0");
        assertMessage("--distribution applies to SViTE masks, which --method s2vite adds only with --sparsity",
                "--distribution", "er");
        assertMessage("sparsity must be in [0, 1), got 1.2", "--sparsity", "1.2");

        Holder h = parse("--heads", "0.5", "--score-window", "3");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.structured.requireUnused("svite"));
        assertEquals("--heads applies to --method s2vite, not --method svite", e.getMessage());
        Holder gated = parse("--gated-units");
        e = assertThrows(IllegalArgumentException.class, () -> gated.structured.budgetFor("ssp"));
        assertEquals("--gated-units applies to --method s2vite, not --method ssp", e.getMessage());
        parse("--sparsity", "0.5").structured.requireUnused("svite"); // SViTE's own options are fine there
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> recipe(args));
        assertEquals(expected, e.getMessage());
    }
}
