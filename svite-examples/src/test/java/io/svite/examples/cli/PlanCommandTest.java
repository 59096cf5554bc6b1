package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.svite.models.cost.CostModel;
import io.svite.models.deit.DeiTConfig;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

class PlanCommandTest {

    @Test
    void sviteOnDeitSmallPrintsTheAgreedJson() {
        String[] r = TrainCommandTest.run("plan", "--model", "deit-small", "--method", "svite", "--sparsity", "0.5", "--json");
        assertEquals("0", r[0], r[2]);
        JsonObject o = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals(Set.of("model", "method", "params", "denseParams", "macs", "denseMacs", "macsSaving", "layers"),
                o.keySet());
        assertEquals("deit-small", o.get("model").getAsString());
        assertEquals("svite", o.get("method").getAsString());
        assertEquals(22_050_664L, o.get("denseParams").getAsLong());
        JsonArray layers = o.getAsJsonArray("layers");
        assertEquals(50, layers.size());
        List<String> names = new ArrayList<>();
        double kept = 0;
        double total = 0;
        for (JsonElement e : layers) {
            JsonObject l = e.getAsJsonObject();
            assertEquals(Set.of("name", "shape", "density"), l.keySet());
            names.add(l.get("name").getAsString());
            long size = 1;
            for (JsonElement d : l.getAsJsonArray("shape")) {
                size *= d.getAsLong();
            }
            kept += l.get("density").getAsDouble() * size;
            total += size;
        }
        assertEquals(CostModel.of(DeiTConfig.small()).weightLayerNames(), names);
        assertEquals(0.5, 1 - kept / total, 1e-6);
        long sparseWeights = Math.round(total);
        long params = o.get("params").getAsLong();
        assertEquals(22_050_664L - sparseWeights / 2, params, 50, "half of the masked weights are gone");
        double saving = o.get("macsSaving").getAsDouble();
        assertTrue(saving > 0.4 && saving < 0.5, "MACs saving " + saving);
        assertEquals(1 - o.get("macs").getAsDouble() / o.get("denseMacs").getAsDouble(), saving, 1e-12);
    }

    @Test
    void aDensePlanSavesNothingAndTextShowsTheLayers() {
        String[] r = TrainCommandTest.run("plan", "--model", "deit-mini", "--json");
        assertEquals("0", r[0], r[2]);
        JsonObject o = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals(o.get("denseParams").getAsLong(), o.get("params").getAsLong());
        assertEquals(0.0, o.get("macsSaving").getAsDouble(), 1e-12);

        r = TrainCommandTest.run("plan", "--model", "deit-tiny", "--method", "svite", "--sparsity", "0.4");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("patch_embed_proj   (192, 3, 16, 16)   0.1363"), r[1]);
        assertTrue(r[1].contains("block0_attn_proj   (192, 192)         0.9221"), r[1]);
    }

    @Test
    void badInputIsOneClearLine() {
        String[] r = TrainCommandTest.run("plan", "--sparsity", "0.5");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--sparsity applies to --method svite"), r[2]);
        r = TrainCommandTest.run("plan", "--model", "deit-huge");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("unknown model 'deit-huge'"), r[2]);
        r = TrainCommandTest.run("plan", "--method", "svite", "--sparsity", "-1");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("sparsity must be in [0, 1), got -1.0"), r[2]);
    }

    @Test
    void s2viteOnDeitSmallPlansTheCompactedModelWithTheAgreedJson() {
        String[] r = TrainCommandTest.run("plan", "--model", "deit-small", "--method", "s2vite", "--heads", "0.7",
                "--neurons", "0.6", "--json");
        assertEquals("0", r[0], r[2]);
        JsonObject o = JsonParser.parseString(r[1]).getAsJsonObject();
        assertEquals(Set.of("model", "method", "params", "denseParams", "macs", "denseMacs", "macsSaving", "layers"),
                o.keySet());
        assertEquals("s2vite", o.get("method").getAsString());
        assertEquals(22_050_664L, o.get("denseParams").getAsLong());
        assertEquals(14_011_540L, o.get("params").getAsLong(), "4 of 6 heads and 921 of 1536 neurons per block");
        assertEquals(0.3698, o.get("macsSaving").getAsDouble(), 5e-5);
        JsonArray layers = o.getAsJsonArray("layers");
        assertEquals(50, layers.size());
        JsonObject qkv = layers.get(1).getAsJsonObject();
        assertEquals("block0_attn_qkv", qkv.get("name").getAsString());
        assertEquals("[768,384]", qkv.getAsJsonArray("shape").toString(), "q, k and v of 4 heads of 64");
        assertEquals("[921,384]", layers.get(3).getAsJsonObject().getAsJsonArray("shape").toString());
        for (JsonElement e : layers) {
            assertEquals(1.0, e.getAsJsonObject().get("density").getAsDouble());
        }

        // --sparsity adds SViTE's distribution over the remaining weights
        r = TrainCommandTest.run("plan", "--model", "deit-small", "--method", "s2vite", "--sparsity", "0.5", "--json");
        assertEquals("0", r[0], r[2]);
        JsonObject both = JsonParser.parseString(r[1]).getAsJsonObject();
        assertTrue(both.get("params").getAsLong() < 9_000_000L, r[1]);
        r = TrainCommandTest.run("plan", "--model", "deit-tiny", "--method", "s2vite", "--structured-sparsity", "0.4",
                "--structured-distribution", "er");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("S2ViTE erdos-renyi(0.4)"), r[1]);

        r = TrainCommandTest.run("plan", "--model", "deit-mini", "--method", "s2vite", "--heads", "0.3");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("keeps floor(3 × 0.3) = 0 of the 3 units of block0_attn_heads"), r[2]);
        r = TrainCommandTest.run("plan", "--method", "svite", "--neurons", "0.5");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--neurons applies to --method s2vite, not --method svite"), r[2]);
    }
}
