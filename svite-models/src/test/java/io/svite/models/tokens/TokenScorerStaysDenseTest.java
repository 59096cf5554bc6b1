package io.svite.models.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.svite.core.SparseTrainer;
import io.svite.core.report.LayerSparsity;
import io.svite.core.report.SparsityReport;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

/** The engine's default selection, applied to a real DeiT with a selector, never picks the scorer. */
class TokenScorerStaysDenseTest {

    @Test
    void sparseTrainingOfATokenSelectingDeiTLeavesTheScorerDense() {
        for (ScorerShape scorer : new ScorerShape[] {ScorerShape.linear(), ScorerShape.mlp(8)}) {
            DeiTConfig config =
                    DeiTConfig.mini().withDepth(2).withTokenSelection(TokenSelection.ratio(0.5).withScorer(scorer));
            try (NDManager manager = NDManager.newBaseManager()) {
                DeiT deit = DeiT.of(config);
                deit.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
                SparsityReport plan = SparseTrainer.builder().erdosRenyiKernel(0.5).updateEvery(100).totalSteps(1000).build().plan(deit);
                for (LayerSparsity layer : plan.layers()) {
                    assertFalse(layer.name().contains("token_selector"), "scorer selected: " + layer.name());
                }
                // patch embedding, 4 per block, head: the same targets as without a selector
                assertEquals(1 + 4 * 2 + 1, plan.layers().size());
            }
        }
    }
}
