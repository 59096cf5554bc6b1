package io.svite.examples.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.svite.examples.cli.Svite;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

class S2viteMethodTest {

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
    void theOutcomeIsTheCompactedModelWithTheGatedModelsAccuracyAndTheRunFolderHoldsBoth() throws Exception {
        Path out = dir.resolve("run");
        String[] r = train(out, "--heads", "0.7", "--neurons", "0.6");
        assertEquals("0", r[0], r[2]);
        JsonObject report = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals("s2vite", report.get("method").getAsString());
        JsonObject settings = report.getAsJsonObject("methodSettings");
        // the final evaluation ran on the compacted model and equals the gated model's
        assertEquals(settings.get("gatedTestAccuracy").getAsDouble(), report.get("testAccuracy").getAsDouble(), 0);

        DeiTConfig compacted = DeiTConfig.mini().withBlocks(Collections.nCopies(6, new BlockShape(2, 230)));
        JsonArray blocks = report.getAsJsonObject("architecture").getAsJsonArray("blocks");
        for (JsonElement b : blocks) {
            assertEquals(2, b.getAsJsonObject().get("heads").getAsInt(), "⌊3 · 0.7⌋ heads");
            assertEquals(230, b.getAsJsonObject().get("hidden").getAsInt(), "⌊384 · 0.6⌋ neurons");
        }
        long params = report.get("params").getAsLong();
        assertEquals(CostModel.of(compacted).dense().params(), params);
        assertEquals(678_730L, report.get("denseParams").getAsLong());
        assertEquals(1 - CostModel.of(compacted).dense().macs() / report.get("denseMacs").getAsDouble(),
                report.get("macsSaving").getAsDouble(), 1e-12);
        JsonObject units = settings.getAsJsonObject("units");
        assertEquals(2, units.getAsJsonArray("families").size());
        assertEquals(1, units.get("updates").getAsLong(), "step 2 only: updates end before step ⌊0.8 · 6⌋ = 4");

        // model/ is the smaller compacted model; gated/ the trained gated one; the unit map names the survivors
        try (Model small = DeiTFiles.load(out.resolve("model"), Device.cpu());
                Model gated = DeiTFiles.load(out.resolve(S2viteMethod.GATED), Device.cpu())) {
            assertEquals(compacted.withClasses(10), ((DeiT) small.getBlock()).config().withDropPath(0));
            assertTrue(((DeiT) gated.getBlock()).config().isDense());
        }
        assertTrue(Files.size(out.resolve("model").resolve("deit-0000.params"))
                < 0.75 * Files.size(out.resolve(S2viteMethod.GATED).resolve("deit-0000.params")));
        JsonObject map = JsonParser.parseString(Files.readString(out.resolve(S2viteMethod.UNITS))).getAsJsonObject();
        JsonArray groups = map.getAsJsonArray("groups");
        assertEquals(12, groups.size());
        for (JsonElement g : groups) {
            JsonObject o = g.getAsJsonObject();
            assertEquals(o.get("active").getAsInt(), o.getAsJsonArray("activeUnits").size());
        }
        assertTrue(Files.readString(out.resolve("report.txt")).contains("heads 2,2,2,2,2,2 of 3"));

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
    void withSparsityTheCompactedWeightsAreAlsoSparseAndTheMasksAreSaved() throws Exception {
        Path out = dir.resolve("both");
        String[] r = train(out, "--structured-sparsity", "0.4", "--sparsity", "0.5");
        assertEquals("0", r[0], r[2]);
        JsonObject report = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals(report.getAsJsonObject("methodSettings").get("gatedTestAccuracy").getAsDouble(),
                report.get("testAccuracy").getAsDouble(), 0);
        assertEquals(0.5, report.getAsJsonObject("sparsity").get("sparsity").getAsDouble(), 1e-3,
                "SViTE's report is of the gated tensors");
        DeiTConfig compacted = DeiTConfig.mini().withBlocks(Collections.nCopies(6, new BlockShape(1, 230)));
        long structural = CostModel.of(compacted).dense().params();
        long params = report.get("params").getAsLong();
        assertTrue(params < structural - 100_000, params + " vs " + structural + ": the masks thin the compacted weights");
        assertTrue(Files.size(out.resolve("svite.masks")) > 0);
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
