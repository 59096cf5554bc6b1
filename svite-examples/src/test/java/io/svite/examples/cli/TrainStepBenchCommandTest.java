package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.svite.models.compact.StructuredBudget;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.tokens.TokenSelection;

import org.junit.jupiter.api.Test;

import java.util.List;

class TrainStepBenchCommandTest {

    @Test
    void timesTheFourVariantsOverAnIntervalAndMeasuresEachOnesPeakMemory() {
        String[] r = TrainCommandTest.run("bench", "train-step", "--model", "deit-mini", "--batch-size", "2",
                "--interval", "3", "--score-window", "1", "--warmup", "1", "--heads", "0.7", "--neurons", "0.5",
                "--tokens", "0.5", "--json");
        assertEquals("0", r[0], r[2]);
        JsonObject o = JsonParser.parseString(r[1]).getAsJsonObject();
        JsonArray rows = o.getAsJsonArray("variants");
        assertEquals(List.of("dense", "s2vite", "tokens", "s2vite+tokens"),
                rows.asList().stream().map(e -> e.getAsJsonObject().get("variant").getAsString()).toList());
        DeiTConfig mini = DeiTConfig.mini();
        double dense = CostModel.of(mini).dense().macs();
        DeiTConfig narrow = StructuredBudget.fractions(0.7, 0.5).apply(mini);
        DeiTConfig tokens = mini.withTokenSelection(TokenSelection.ratio(0.5));
        double[] expected = {1, CostModel.of(narrow).estimate().macs() / dense, CostModel.of(tokens).estimate().macs() / dense,
            CostModel.of(narrow.withTokenSelection(TokenSelection.ratio(0.5))).estimate().macs() / dense};
        double denseMillis = rows.get(0).getAsJsonObject().get("stepMillis").getAsDouble();
        for (int i = 0; i < 4; i++) {
            JsonObject v = rows.get(i).getAsJsonObject();
            assertEquals(expected[i], v.get("activeMacsFraction").getAsDouble(), 1e-12, v.toString());
            assertEquals(v.get("stepMillis").getAsDouble() / denseMillis, v.get("ratio").getAsDouble(), 1e-12);
            assertTrue(v.get("peakResidentMiB").getAsDouble() > 50, "a JVM with PyTorch holds more than 50 MiB: " + v);
            boolean units = i % 2 == 1;
            assertEquals(units, !Double.isNaN(v.get("scoringStepMillis").getAsDouble()), v.toString());
            double interval = v.get("intervalMacsFraction").getAsDouble();
            if (units) { // one of three passes at full width
                double full = i == 1 ? 1 : expected[2];
                assertEquals((2 * expected[i] + full) / 3, interval, 1e-12, v.toString());
            } else {
                assertEquals(expected[i], interval, 1e-12);
            }
        }
        assertTrue(expected[3] < expected[1] && expected[3] < expected[2] && expected[1] < 1 && expected[2] < 1);

        r = TrainCommandTest.run("bench", "train-step", "--model", "deit-mini", "--batch", "1", "--interval", "2",
                "--score-window", "1", "--warmup", "0", "--no-memory");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("s2vite+tokens") && r[1].contains("target: ratio <= MACs + 0.1"), r[1]);
    }

    @Test
    void everyBadOptionGetsOneLineAndExitCodeTwo() {
        String[][] bad = {{"--model", "deit-huge"}, {"--heads", "1.2"}, {"--tokens", "0"}, {"--interval", "1"},
            {"--interval", "10", "--score-window", "10"}, {"--batch", "0"}, {"--warmup", "-1"}};
        String[] expected = {"unknown model 'deit-huge'", "heads kept must be in (0, 1], got 1.2",
            "patches kept must be in (0, 1], got 0.0", "interval must be >= 2 steps, got 1",
            "score window must be in 1..9 (below the interval), got 10", "batch size must be >= 1, got 0",
            "warm-up steps must be >= 0, got -1"};
        for (int i = 0; i < bad.length; i++) {
            String[] args = new String[bad[i].length + 2];
            args[0] = "bench";
            args[1] = "train-step";
            System.arraycopy(bad[i], 0, args, 2, bad[i].length);
            String[] r = TrainCommandTest.run(args);
            assertEquals("2", r[0], String.join(" ", args) + ": " + r[2]);
            assertTrue(r[2].startsWith("svite: ") && r[2].contains(expected[i]), String.join(" ", args) + ": " + r[2]);
            assertEquals(1, r[2].lines().count(), "one line: " + r[2]);
        }
    }
}
