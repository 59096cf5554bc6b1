package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.tokens.TokenSelection;

import org.junit.jupiter.api.Test;

class TokenBenchCommandTest {

    @Test
    void timesDenseAndSelectedModelsAndPrintsJson() {
        String[] r = TrainCommandTest.run("bench", "tokens", "--model", "deit-mini", "--tokens", "20", "--batch-size", "2",
                "--runs", "3", "--warmup", "0", "--json");
        assertEquals("0", r[0], r[2]);
        JsonObject o = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals(49, o.get("patches").getAsInt());
        assertEquals(20, o.get("keptPatches").getAsInt());
        CostReport cost = CostModel.of(DeiTConfig.mini().withTokenSelection(TokenSelection.count(20))).estimate();
        assertEquals(cost.macs(), o.get("selectedMacs").getAsDouble(), 0);
        assertEquals(1 - cost.macs() / cost.denseMacs(), o.get("macsSaving").getAsDouble(), 1e-12);
        double dense = o.get("denseMillis").getAsDouble();
        double selected = o.get("selectedMillis").getAsDouble();
        assertTrue(dense > 0 && selected > 0, o.toString());
        assertEquals(1 - selected / dense, o.get("timeSaving").getAsDouble(), 1e-12);
        assertEquals(o.get("timeSaving").getAsDouble() / o.get("macsSaving").getAsDouble(),
                o.get("timeOverMacsSaving").getAsDouble(), 1e-12);

        r = TrainCommandTest.run("bench", "tokens", "--model", "deit-mini", "--tokens", "0.5", "--batch", "1",
                "--runs", "1", "--warmup", "0");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("25 of 49 patches") && r[1].contains("time saving / MACs saving"), r[1]);
    }

    @Test
    void everyBadOptionGetsOneLineAndExitCodeTwo() {
        String[][] bad = {{"--model", "deit-huge"}, {"--tokens", "lots"}, {"--tokens", "1.5"}, {"--batch-size", "0"},
            {"--runs", "0"}, {"--warmup", "-2"}, {"--tokens", "60", "--model", "deit-mini"}};
        String[] expected = {"unknown model 'deit-huge'", "'lots'", "1.5", "--batch-size must be >= 1",
            "--runs must be >= 1", "--warmup must be >= 0", "60"};
        for (int i = 0; i < bad.length; i++) {
            String[] args = new String[bad[i].length + 2];
            args[0] = "bench";
            args[1] = "tokens";
            System.arraycopy(bad[i], 0, args, 2, bad[i].length);
            String[] r = TrainCommandTest.run(args);
            assertEquals("2", r[0], String.join(" ", args) + ": " + r[2]);
            assertTrue(r[2].startsWith("svite: ") && r[2].contains(expected[i]), String.join(" ", args) + ": " + r[2]);
            assertEquals(1, r[2].lines().count(), "one line: " + r[2]);
        }
    }
}
