package io.svite.models.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import io.svite.models.compact.GlobalThreshold.Choice;
import io.svite.models.compact.GlobalThreshold.Measure;
import io.svite.models.compact.SoftGates.BlockGates;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Random;
import java.util.TreeSet;

class GlobalThresholdTest {

    private static final DeiTConfig CONFIG = SoftGatesTest.SIX_HEADS;

    private static List<BlockGates> soft(long seed) {
        Random random = new Random(seed);
        List<BlockGates> out = new java.util.ArrayList<>();
        for (int i = 0; i < CONFIG.depth(); i++) {
            float[] heads = new float[CONFIG.heads()];
            float[] neurons = new float[CONFIG.hidden()];
            for (int j = 0; j < heads.length; j++) {
                heads[j] = (float) random.nextGaussian();
            }
            for (int j = 0; j < neurons.length; j++) {
                neurons[j] = (float) random.nextGaussian();
            }
            out.add(new BlockGates(heads, neurons));
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"PARAMS, 0.5", "PARAMS, 0.8", "MACS, 0.5", "MACS, 0.65"})
    void theChosenThresholdIsTheLowestWhoseCompactedCostFitsTheBudget(Measure measure, double budget) {
        List<BlockGates> gates = soft(7);
        Choice c = GlobalThreshold.choose(CONFIG, gates, measure, budget);
        double dense = measure.of(CostModel.of(CONFIG).dense());
        assertEquals(budget * dense, c.target(), 1e-6);
        assertTrue(measure.of(c.cost()) <= c.target(), measure.of(c.cost()) + " > " + c.target());
        assertEquals(CostModel.of(c.config()).estimate().params(), c.cost().params());

        // the next lower candidate threshold keeps more units and breaks the budget
        TreeSet<Double> lower = new TreeSet<>();
        lower.add(0.0);
        for (BlockGates g : gates) {
            for (float v : g.heads()) {
                lower.add((double) Math.abs(v));
            }
            for (float v : g.neurons()) {
                lower.add((double) Math.abs(v));
            }
        }
        Double previous = lower.lower(c.threshold());
        assertTrue(previous != null, "a budget below 1 cannot be met by keeping everything");
        Choice more = GlobalThreshold.at(CONFIG, gates, measure, previous, c.target());
        assertTrue(measure.of(more.cost()) > c.target(), "threshold " + previous + " also fits the budget");

        // a single threshold: every kept value is above it, except one forced head/neuron per block
        for (int i = 0; i < gates.size(); i++) {
            int forcedHeads = 0;
            for (int j = 0; j < gates.get(i).heads().length; j++) {
                float kept = c.masked().get(i).heads()[j];
                float v = gates.get(i).heads()[j];
                if (Math.abs(v) > c.threshold()) {
                    assertEquals(v, kept);
                } else if (kept != 0f) {
                    forcedHeads++;
                }
            }
            assertTrue(forcedHeads <= 1);
        }
    }

    @Test
    void theMaskedModelCompactsToTheCostModelsParameterCount() {
        try (NDManager root = NDManager.newBaseManager()) {
            DeiT deit = CompactorTest.randomDeiT(CONFIG, root);
            Choice c = GlobalThreshold.choose(CONFIG, soft(11), Measure.PARAMS, 0.6);
            SoftGates.write(deit, c.masked());
            NDArray x = root.randomNormal(CompactorTest.input(CONFIG, 2));
            NDArray masked = CompactorTest.forward(deit, root, x);
            SoftGates.fold(deit);
            DeiT compact = Compactor.compact(deit, root);
            assertEquals(c.config(), compact.config());
            assertEquals(c.cost().params(), CompactorTest.parametersWithoutGates(compact));
            float diff = CompactorTest.forward(compact, root, x).sub(masked).abs().max().getFloat();
            assertTrue(diff <= 1e-5f, "compacted differs from the masked model by " + diff);
        }
    }

    @Test
    void refusesABudgetBelowTheSmallestReachableModelAndOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GlobalThreshold.choose(CONFIG, soft(1), Measure.PARAMS, 0.01));
        assertTrue(e.getMessage().startsWith("budget 0.01 of the dense params is below the smallest model"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GlobalThreshold.choose(CONFIG, soft(1), Measure.MACS, 1.5));
        assertEquals("the ViT-Slim budget must be in (0, 1], got 1.5", e.getMessage());
    }

    private static float[] softPatches(long seed, int n) {
        Random random = new Random(seed);
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (float) random.nextGaussian();
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"MACS, 0.5", "MACS, 0.3", "PARAMS, 0.5"})
    void patchCandidatesMeetTheBudgetAsTheCostModelCountsItAndTheNextLowerThresholdBreaksIt(
            Measure measure, double budget) {
        DeiTConfig config = CONFIG.withPatchGates(true);
        List<BlockGates> gates = soft(5);
        float[] patches = softPatches(9, config.patches());
        Choice c = GlobalThreshold.choose(config, gates, patches, measure, budget);
        assertEquals(budget * measure.of(CostModel.of(config).dense()), c.target(), 1e-6);
        assertEquals(measure.of(CostModel.of(c.config()).estimate()), measure.of(c.cost()), 0.0);
        assertTrue(measure.of(c.cost()) <= c.target(), measure.of(c.cost()) + " > " + c.target());
        assertEquals(c.config().keptPatches(), c.cost().keptPatches());
        int keptPatches = 0;
        for (int j = 0; j < patches.length; j++) {
            if (Math.abs(patches[j]) > c.threshold()) {
                assertEquals(patches[j], c.maskedPatches()[j]);
                keptPatches++;
            }
        }
        assertTrue(c.config().keptPatches() - keptPatches <= 1, "only the largest patch may be forced");
        assertTrue(c.config().keptPatches() < config.patches(), "the threshold dropped no patch");

        TreeSet<Double> candidates = new TreeSet<>();
        candidates.add(0.0);
        for (BlockGates g : gates) {
            for (float v : g.heads()) {
                candidates.add((double) Math.abs(v));
            }
            for (float v : g.neurons()) {
                candidates.add((double) Math.abs(v));
            }
        }
        for (float v : patches) {
            candidates.add((double) Math.abs(v));
        }
        Double previous = candidates.lower(c.threshold());
        assertTrue(previous != null);
        Choice more = GlobalThreshold.at(config, gates, patches, measure, previous, c.target());
        assertTrue(measure.of(more.cost()) > c.target(), "threshold " + previous + " also fits the budget");
    }

    @Test
    void aModelMaskedOnPatchesCompactsToItsOutputAndTheCostModelsCount() {
        DeiTConfig config = CONFIG.withPatchGates(true);
        try (NDManager root = NDManager.newBaseManager()) {
            DeiT deit = CompactorTest.randomDeiT(config, root);
            Choice c = GlobalThreshold.choose(config, soft(3), softPatches(4, config.patches()), Measure.MACS, 0.5);
            SoftGates.write(deit, c.masked());
            SoftGates.writePatches(deit, c.maskedPatches());
            NDArray x = root.randomNormal(CompactorTest.input(config, 2));
            NDArray masked = CompactorTest.forward(deit, root, x);
            SoftGates.fold(deit);
            DeiT compact = Compactor.compact(deit, root);
            assertEquals(c.config(), compact.config());
            assertEquals(c.cost().params(), CompactorTest.parametersWithoutGates(compact));
            float diff = CompactorTest.forward(compact, root, x).sub(masked).abs().max().getFloat();
            assertTrue(diff <= 1e-5f, "compacted differs from the masked model by " + diff);
        }
    }
}
