package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.svite.models.compact.StructuredBudget;
import io.svite.models.compact.SoftGates;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class CompactBenchCommandTest {

    @Test
    void timesBothModelsAtEveryBatchSizeAndPrintsJson() {
        int before = JniUtils.getNumThreads();
        String[] r;
        try {
            r = TrainCommandTest.run("bench", "compact", "--model", "deit-mini", "--heads", "0.5", "--neurons", "0.5",
                    "--batch-sizes", "1,2", "--runs", "1", "--warmup", "0", "--threads", "1", "--json");
        } finally {
            JniUtils.setNumThreads(before);
        }
        assertEquals("0", r[0], r[2]);
        JsonObject o = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals(1, o.get("threads").getAsInt());
        JsonArray blocks = o.getAsJsonArray("compactedBlocks");
        assertEquals(6, blocks.size());
        for (JsonElement b : blocks) {
            assertEquals(1, b.getAsJsonObject().get("heads").getAsInt(), "⌊3 · 0.5⌋ heads");
            assertEquals(192, b.getAsJsonObject().get("neurons").getAsInt(), "384 · 0.5, already a multiple of 8");
        }
        DeiTConfig budget = StructuredBudget.fractions(0.5, 0.5).apply(DeiTConfig.mini());
        double saving = 1 - CostModel.of(budget).dense().macs() / CostModel.of(DeiTConfig.mini()).dense().macs();
        assertEquals(saving, o.get("budgetMacsSaving").getAsDouble(), 1e-12);
        JsonArray timings = o.getAsJsonArray("timings");
        assertEquals(2, timings.size());
        for (int i = 0; i < 2; i++) {
            JsonObject t = timings.get(i).getAsJsonObject();
            assertEquals(i + 1, t.get("batchSize").getAsInt());
            double dense = t.get("denseMillis").getAsDouble();
            double compact = t.get("compactMillis").getAsDouble();
            assertTrue(dense > 0 && compact > 0, t.toString());
            assertEquals(1 - compact / dense, t.get("timeSaving").getAsDouble(), 1e-12);
        }
    }

    @Test
    void timesASavedGatedModelWithItsOwnPerBlockCountsAgainstTheDenseModel(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("run").resolve("model");
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(DeiTConfig.mini());
            model.setBlock(deit);
            deit.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
            ReportCommandTest.close(deit.blocks().get(0).attention().headGate(), new int[] {0, 2});
            ReportCommandTest.close(deit.blocks().get(3).mlp().neuronGate(), ReportCommandTest.range(0, 100));
            DeiTFiles.save(model, saved);
        }
        int before = JniUtils.getNumThreads();
        String[] r;
        try {
            r = TrainCommandTest.run("bench", "compact", "--saved", saved.getParent().toString(), "--batch-sizes", "1,2",
                    "--runs", "1", "--warmup", "0", "--threads", "1", "--json");
        } finally {
            JniUtils.setNumThreads(before);
        }
        assertEquals("0", r[0], r[2]);
        JsonObject o = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals(saved.toString(), o.get("saved").getAsString(), "a run folder's model/");
        JsonArray blocks = o.getAsJsonArray("compactedBlocks");
        List<BlockShape> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            expected.add(new BlockShape(i == 0 ? 1 : 3, i == 3 ? 284 : 384));
            JsonObject b = blocks.get(i).getAsJsonObject();
            assertEquals(expected.get(i).heads(), b.get("heads").getAsInt(), "block " + i);
            assertEquals(expected.get(i).hidden(), b.get("neurons").getAsInt(), "block " + i);
        }
        DeiTConfig compacted = DeiTConfig.mini().withBlocks(expected);
        assertEquals(CostModel.of(compacted).dense().params(), o.get("compactParams").getAsLong());
        assertEquals(CostModel.of(DeiTConfig.mini()).dense().params(), o.get("denseParams").getAsLong());
        assertTrue(o.get("maxAbsDifference").getAsDouble() <= 1e-5, o.toString());
        assertEquals(2, o.getAsJsonArray("timings").size());

        String[] refused = TrainCommandTest.run("bench", "compact", "--saved", saved.toString(), "--heads", "0.5");
        assertEquals("2", refused[0]);
        assertTrue(refused[2].startsWith("svite: --heads does not apply with --saved"), refused[2]);
        String[] missing = TrainCommandTest.run("bench", "compact", "--saved", dir.resolve("nothing").toString());
        assertEquals("2", missing[0]);
        assertTrue(missing[2].contains("does not exist") && !missing[2].contains("\tat "), missing[2]);
    }

    @Test
    void aSavedModelWithDroppedPatchPositionsIsCostedOnItsTokensAgainstTheFullDenseModel(@TempDir Path dir)
            throws Exception {
        Path saved = dir.resolve("slim");
        List<Integer> kept = new ArrayList<>();
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(DeiTConfig.mini().withPatchGates(true));
            model.setBlock(deit);
            deit.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
            float[] gates = new float[49];
            for (int p = 0; p < 49; p++) {
                if (p % 3 != 0) {
                    gates[p] = 1f;
                    kept.add(p);
                }
            }
            SoftGates.writePatches(deit, gates);
            DeiTFiles.save(model, saved);
        }
        String[] r = TrainCommandTest.run("bench", "compact", "--saved", saved.toString(), "--batch-sizes", "1",
                "--runs", "1", "--warmup", "0", "--json");
        assertEquals("0", r[0], r[2]);
        JsonObject o = JsonParser.parseString(r[1]).getAsJsonObject();
        DeiTConfig compacted = DeiTConfig.mini().withPatchGates(true).withKeptPositions(kept);
        assertEquals(CostModel.of(compacted).estimate().macs(), o.get("compactMacs").getAsDouble(), 1e-3,
                "the compacted model runs on its kept tokens");
        assertEquals(CostModel.of(DeiTConfig.mini()).dense().macs(), o.get("denseMacs").getAsDouble(), 1e-3,
                "the reference runs on every patch");
        assertTrue(o.get("macsSaving").getAsDouble() > 0.2, o.toString());
        assertTrue(o.get("maxAbsDifference").getAsDouble() <= 1e-5, o.toString());
    }

    @Test
    void everyBadOptionGetsOneLineAndExitCodeTwo() {
        String[][] bad = {
            {"--model", "deit-huge"}, {"--heads", "0"}, {"--neurons", "1.5"}, {"--batch-sizes", "0"},
            {"--runs", "0"}, {"--warmup", "-1"}, {"--neuron-multiple", "0"}, {"--runs", "many"},
            {"--colour", "red"}, {"--runs"}, {"--threads", "0"}, {"--batches", "1,x"}};
        String[] expected = {
            "unknown model 'deit-huge'", "heads kept must be in (0, 1]", "neurons kept must be in (0, 1]",
            "batch sizes must be >= 1", "timed runs must be >= 1", "warm-up passes must be >= 0",
            "neuron multiple must be >= 1", "'many'", "'--colour'", "--runs", "--threads must be >= 1",
            "'x'"};
        for (int i = 0; i < bad.length; i++) {
            String[] args = new String[bad[i].length + 2];
            args[0] = "bench";
            args[1] = "compact";
            System.arraycopy(bad[i], 0, args, 2, bad[i].length);
            String[] r = TrainCommandTest.run(args);
            assertEquals("2", r[0], String.join(" ", args) + ": " + r[2]);
            assertTrue(r[2].startsWith("svite: ") && r[2].contains(expected[i]), String.join(" ", args) + ": " + r[2]);
            assertTrue(!r[2].contains("\tat "), "no stack trace: " + r[2]);
            assertEquals("", r[1], "nothing on standard output");
        }
    }

    @Test
    void helpListsTheOptions() {
        String[] r = TrainCommandTest.run("bench", "compact", "--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("--batch-sizes") && r[1].contains("--neuron-multiple") && r[1].contains("--threads"), r[1]);
    }
}
