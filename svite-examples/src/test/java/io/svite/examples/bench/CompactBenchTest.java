package io.svite.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.compact.StructuredBudget;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

class CompactBenchTest {

    @Test
    void measuresBothModelsAtEveryBatchSizeAndReportsTheCostModelsSavings() {
        CompactBench.Options options =
                CompactBench.Options.defaults().withModel("deit-mini").withBatchSizes(List.of(1, 3)).withRuns(1, 3);
        CompactBench.Result r = CompactBench.run(options);

        DeiTConfig mini = DeiTConfig.mini();
        // heads 0.7 → 2 of 3; neurons 0.6 → 230 of 384, padded to 232 for the run
        DeiTConfig budget = StructuredBudget.fractions(0.7, 0.6).apply(mini);
        assertEquals(Collections.nCopies(6, new BlockShape(2, 232)), r.compact().blocks());
        assertEquals(CostModel.of(budget).dense().macs(), r.budgetCost().macs(), 0);
        assertEquals(1 - CostModel.of(budget).dense().macs() / CostModel.of(mini).dense().macs(),
                r.budgetMacsSaving(), 1e-12);
        assertTrue(r.macsSaving() < r.budgetMacsSaving(), "padding costs a little");
        assertTrue(r.maxAbsDifference() <= 1e-5, "gated and compacted outputs differ by " + r.maxAbsDifference());

        assertEquals(2, r.timings().size());
        assertEquals(1, r.timings().get(0).batch());
        assertEquals(3, r.timings().get(1).batch());
        for (CompactBench.Timing t : r.timings()) {
            assertTrue(t.denseMillis() > 0 && t.compactMillis() > 0 && t.unpaddedMillis() > 0, t.toString());
            assertEquals(1 - t.compactMillis() / t.denseMillis(), t.timeSaving(), 1e-12);
        }
        assertEquals(r.timings().get(1).timeSaving() / r.budgetMacsSaving(), r.efficiency(), 1e-12);
        String text = r.text();
        assertTrue(text.contains("neurons 0.6 -> 230 of 384 per block (run with 232"), text);
        assertTrue(text.contains("budget (exact)") && text.contains("compacted (as run)"), text);
        assertTrue(text.contains("without padding (230 neurons)"), text);
    }

    @Test
    void withoutPaddingTheRunModelIsTheBudget() {
        CompactBench.Result r = CompactBench.run(CompactBench.Options.defaults().withModel("deit-mini")
                .withBatchSizes(List.of(2)).withRuns(0, 1).withNeuronMultiple(1).withFractions(1.0, 0.5));
        assertEquals(Collections.nCopies(6, new BlockShape(3, 192)), r.compact().blocks());
        assertEquals(r.budgetMacsSaving(), r.macsSaving(), 0);
        assertEquals(0, r.timings().get(0).unpaddedMillis(), 0);
        assertTrue(Double.isNaN(r.timings().get(0).unpaddedTimeSaving()));
    }
}
