package io.svite.models.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.tokens.ScorerShape;
import io.svite.models.tokens.TokenSelection;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class CostModelTest {

    @Test
    void densePresetsHaveThePinnedParametersAndMacs() {
        assertEquals(5_717_416L, CostModel.of(DeiTConfig.tiny()).dense().params());
        assertEquals(22_050_664L, CostModel.of(DeiTConfig.small()).dense().params());
        assertEquals(86_567_656L, CostModel.of(DeiTConfig.base()).dense().params());
        // 1.254 G, 4.599 G and 17.56 G multiply-accumulates at 224 px.
        assertEquals(1_253_683_200d, CostModel.of(DeiTConfig.tiny()).dense().macs(), 0);
        assertEquals(4_598_882_304d, CostModel.of(DeiTConfig.small()).dense().macs(), 0);
        assertEquals(17_563_828_224d, CostModel.of(DeiTConfig.base()).dense().macs(), 0);
        assertEquals(36_133_824d, CostModel.of(DeiTConfig.mini()).dense().macs(), 0);
        assertEquals(0.0, CostModel.of(DeiTConfig.tiny()).dense().macsSaving(), 1e-12);
    }

    @Test
    void halfDensityHalvesALayersWeightsAndMacs() {
        CostModel model = CostModel.of(DeiTConfig.tiny());
        CostReport half = model.estimate(Map.of("block0_mlp_fc1", 0.5));
        LayerCost fc1 = half.layers().stream().filter(l -> l.name().equals("block0_mlp_fc1")).findFirst().orElseThrow();
        assertEquals(192L * 768 / 2 + 768, fc1.params());
        assertEquals(197.0 * 192 * 768 / 2, fc1.macs(), 0);
        assertEquals(5_717_416L - 192L * 768 / 2, half.params());
    }

    @Test
    void keptTokensScaleLinearLayersWithTAndAttentionWithTSquared() {
        CostModel model = CostModel.of(DeiTConfig.tiny());
        CostReport kept = model.estimate(Map.of(), 137); // T = 138 tokens
        double perBlock = 138.0 * 192 * 576 + 2.0 * 138 * 138 * 192 + 138.0 * 192 * 192 + 2 * 138.0 * 192 * 768;
        double expected = 196.0 * 768 * 192 + 12 * perBlock + 192 * 1000;
        assertEquals(expected, kept.macs(), 0);
        assertTrue(kept.macsSaving() > 0.3 && kept.macsSaving() < 0.35, "saving " + kept.macsSaving());
    }

    @Test
    void compactedConfigurationCountsFewerHeadsAndNeurons() {
        DeiTConfig small = DeiTConfig.small();
        List<BlockShape> shapes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            shapes.add(new BlockShape(4, 921));
        }
        CostReport c = CostModel.of(small.withBlocks(shapes)).dense();
        long w = 384;
        long perBlock = 4 * w + (3 * 256 * w + 3 * 256) + (w * 256 + w) + (921 * w + 921) + (w * 921 + w);
        long expected = (w * 768 + w) + w + 197 * w + 12 * perBlock + 2 * w + (1000 * w + 1000);
        assertEquals(expected, c.params());
        double t = 197;
        double block = t * w * 3 * 256 + 2 * t * t * 256 + t * 256 * w + 2 * t * w * 921;
        assertEquals(196.0 * 768 * w + 12 * block + w * 1000, c.macs(), 0);
        assertEquals(1 - c.macs() / 4_598_882_304d, c.macsSaving(), 1e-12);
        assertEquals(22_050_664L, c.denseParams());
    }

    @Test
    void aConfigurationWithATokenSelectionCountsKPlusOneTokensAndTheScorer() {
        DeiTConfig config = DeiTConfig.mini().withTokenSelection(TokenSelection.ratio(0.7)); // k = 34
        CostModel model = CostModel.of(config);
        CostReport report = model.estimate();
        assertEquals(34, report.keptPatches());
        double t = 35; // the class token and 34 patches
        double d = 96;
        double block = t * d * 3 * d + 2 * t * t * d + t * d * d + 2 * t * d * 4 * d;
        double expected = 49 * 16 * d // the patch embedding sees every patch
                + 49 * d // the scorer scores every patch
                + 6 * block
                + d * 10;
        assertEquals(expected, report.macs(), 0);
        assertEquals(36_133_824d, report.denseMacs(), 0);
        assertEquals(36_133_824d, model.dense().macs(), 0, "dense() stays the baseline");
        assertEquals(1 - expected / 36_133_824d, report.macsSaving(), 1e-12);
        assertEquals(678_730L + 97, report.params(), "the scorer adds D + 1 parameters");

        // Linear layers scale with T = k + 1, the attention products with T².
        CostReport all = model.estimate(Map.of(), 49);
        assertEquals(49, all.keptPatches());
        for (String layer : List.of("block0_attn_qkv", "block0_attn_proj", "block3_mlp_fc1", "block5_mlp_fc2")) {
            assertEquals(35.0 / 50, macs(report, layer) / macs(all, layer), 1e-12, layer);
        }
        assertEquals(35.0 * 35 / (50 * 50), macs(report, "block2_attn_matmul") / macs(all, "block2_attn_matmul"), 1e-12);
        assertEquals(macs(all, "patch_embed_proj"), macs(report, "patch_embed_proj"), 0);
        assertEquals(49 * d, macs(report, "token_selector_scorer"), 0);

        // Densities combine with the kept tokens.
        CostReport sparse = model.estimate(Map.of("block0_mlp_fc1", 0.25));
        assertEquals(report.macs() - 0.75 * t * d * 4 * d, sparse.macs(), 1e-6);
    }

    @Test
    void anMlpScorerCostsItsTwoLayersOnEveryPatch() {
        DeiTConfig config =
                DeiTConfig.mini().withTokenSelection(TokenSelection.count(20).withScorer(ScorerShape.mlp(24)));
        LayerCost scorer =
                CostModel.of(config).estimate().layers().stream()
                        .filter(l -> l.kind() == LayerCost.Kind.TOKEN_SCORER)
                        .findFirst()
                        .orElseThrow();
        assertEquals(96L * 24 + 24, scorer.weights());
        assertEquals(96L * 24 + 24 + 24 + 1, scorer.params());
        assertEquals(49.0 * (96 * 24 + 24), scorer.macs(), 0);
    }

    private static double macs(CostReport report, String layer) {
        return report.layers().stream().filter(l -> l.name().equals(layer)).findFirst().orElseThrow().macs();
    }

    @Test
    void rejectsBadDensitiesLayersAndTokenCounts() {
        CostModel model = CostModel.of(DeiTConfig.mini());
        Map<String, Double> bad = new HashMap<>();
        bad.put("block0_mlp_fc1", 1.2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.estimate(bad));
        assertTrue(e.getMessage().contains("1.2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.estimate(Map.of("block9_mlp_fc1", 0.5)));
        assertTrue(e.getMessage().contains("block9_mlp_fc1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.estimate(Map.of(), 50));
        assertTrue(e.getMessage().contains("50") && e.getMessage().contains("1..49"), e.getMessage());
    }

    @Test
    void keptPositionsCostKPlusOneTokensAndKPlusOnePositionRows() {
        DeiTConfig dense = DeiTConfig.mini().withPatchGates(true);
        List<Integer> kept = List.of(0, 3, 7, 20, 48);
        DeiTConfig slim = dense.withKeptPositions(kept);
        double expectedMacs = CostModel.of(dense).estimate(Map.of(), kept.size(), false).macs();
        assertEquals(expectedMacs, CostModel.of(slim).estimate().macs(), 0.0);
        assertTrue(CostModel.of(slim).estimate().macs() < CostModel.of(dense).estimate().macs());
        long droppedRows = (long) (dense.patches() - kept.size()) * dense.width();
        assertEquals(CostModel.of(dense).estimate().params() - droppedRows, CostModel.of(slim).estimate().params());
        assertEquals(kept.size(), CostModel.of(slim).estimate().keptPatches());
    }
}
