package io.svite.models.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.select.KeepDense;
import io.svite.core.select.ParameterNames;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

class TokenSelectorTest {

    private static final int B = 2;
    private static final int N = 9;
    private static final int D = 5;

    private static TokenSelector selector(NDManager m, TokenSelection selection, int patches) {
        TokenSelector s = TokenSelector.of(selection, patches);
        s.initialize(m, DataType.FLOAT32, new Shape(B, patches + 1, D));
        return s;
    }

    private static Parameter scorerParameter(TokenSelector sel, String name) {
        for (Pair<String, Parameter> p : sel.scorer().getParameters()) {
            if (ParameterNames.display(p.getKey()).equals(name)) {
                return p.getValue();
            }
        }
        throw new AssertionError("no scorer parameter " + name);
    }

    /** Row {@code row} of image {@code b} of a (B, T, D) array. */
    private static float[] row(NDArray x, int b, int row) {
        return x.get(new NDIndex(b + ", " + row + ", :")).toFloatArray();
    }

    @Test
    void evaluationKeepsTheHandComputedTopKInTokenOrderAndIsDeterministic() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            TokenSelector sel = selector(m, TokenSelection.count(4), N);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(B, N + 1, D));

            TokenSelector.Selection first = sel.select(ps, x, false);
            TokenSelector.Selection second = sel.select(ps, x, false);
            assertEquals(new Shape(B, 5, D), first.tokens().getShape());
            assertArrayEquals(first.tokens().toFloatArray(), second.tokens().toFloatArray(), 0f);
            assertArrayEquals(first.keptIndices().toLongArray(), second.keptIndices().toLongArray());

            // By hand: score_i = w·x_i + b over the patch tokens, keep the 4 best, in token order.
            float[] w = scorerParameter(sel, "fc_weight").getArray().toFloatArray();
            float b0 = scorerParameter(sel, "fc_bias").getArray().toFloatArray()[0];
            long[] kept = first.keptIndices().toLongArray();
            for (int b = 0; b < B; b++) {
                Integer[] order = new Integer[N];
                double[] score = new double[N];
                for (int i = 0; i < N; i++) {
                    order[i] = i;
                    float[] t = row(x, b, i + 1);
                    for (int d = 0; d < D; d++) {
                        score[i] += (double) w[d] * t[d];
                    }
                    score[i] += b0;
                }
                Arrays.sort(order, (p, q) -> Double.compare(score[q], score[p]));
                int[] expected = {order[0], order[1], order[2], order[3]};
                Arrays.sort(expected);
                for (int j = 0; j < 4; j++) {
                    assertEquals(expected[j], kept[b * 4 + j], "image " + b + " kept index " + j);
                    assertArrayEquals(row(x, b, expected[j] + 1), row(first.tokens(), b, j + 1), 0f);
                }
            }
        }
    }

    @Test
    void theClassTokenIsAlwaysKeptFirstAndTheSequenceHasKPlusOneTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenSelector sel = selector(m, TokenSelection.ratio(0.35), N); // round(3.15) = 3 patches
            assertEquals(3, sel.keptPatches());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(B, N + 1, D));
            // A class token the scorer would love if it were a candidate.
            x.set(new NDIndex(":, 0, :"), 1000f);
            for (boolean training : new boolean[] {false, true, true, true}) {
                NDArray y = sel.forward(ps, new NDList(x), training).head();
                assertEquals(new Shape(B, 4, D), y.getShape());
                assertEquals(sel.getOutputShapes(new Shape[] {x.getShape()})[0], y.getShape());
                for (int b = 0; b < B; b++) {
                    assertArrayEquals(row(x, b, 0), row(y, b, 0), 0f, "class token, training=" + training);
                }
            }
        }
    }

    @Test
    void trainingForwardIsTheHardSelectionOfDistinctPatchesInTokenOrder() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenSelector sel = selector(m, TokenSelection.count(5), N);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(B, N + 1, D));
            List<String> seen = new ArrayList<>();
            for (int trial = 0; trial < 5; trial++) {
                TokenSelector.Selection s = sel.select(ps, x, true);
                long[] kept = s.keptIndices().toLongArray();
                for (int b = 0; b < B; b++) {
                    for (int j = 0; j < 5; j++) {
                        long i = kept[b * 5 + j];
                        assertTrue(i >= 0 && i < N, "index " + i);
                        if (j > 0) {
                            assertTrue(i > kept[b * 5 + j - 1], "indices increase: " + Arrays.toString(kept));
                        }
                        // The straight-through mask is exactly 1 in the forward pass.
                        assertArrayEquals(row(x, b, (int) i + 1), row(s.tokens(), b, j + 1), 0f);
                    }
                }
                seen.add(Arrays.toString(kept));
            }
            // Gumbel noise explores: with uniform-ish scores, five draws are not all the same subset.
            assertTrue(seen.stream().distinct().count() > 1, "training selection never varied: " + seen);
        }
    }

    /**
     * The straight-through gradient of the scorer equals the gradient of the same loss seen through
     * the gathered soft mask: with c_j = ∂L/∂m_j at the hard forward (m = 1), ∂L/∂θ = ∂/∂θ Σ_j c_j ·
     * y_soft[K_j], computed here independently from the scorer, the same noise and the same K.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 6})
    void straightThroughGradientEqualsTheGradientThroughTheSoftMask(int hidden) {
        float tau = 0.7f;
        int k = 4;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            TokenSelection selection =
                    TokenSelection.count(k)
                            .withScorer(hidden == 0 ? ScorerShape.linear() : ScorerShape.mlp(hidden))
                            .withTemperature(TemperatureSchedule.constant(tau));
            TokenSelector sel = selector(m, selection, N);
            // Larger scorer weights than the init, so the soft mask is far from uniform.
            for (Pair<String, Parameter> p : sel.getParameters()) {
                NDArray a = p.getValue().getArray();
                a.addi(m.randomNormal(0f, 0.5f, a.getShape(), DataType.FLOAT32));
            }
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(B, N + 1, D));
            NDArray noise = TokenSelector.gumbelNoise(x, new Shape(B, N));
            NDArray r = m.randomNormal(new Shape(B, k + 1, D));

            NDArray kept;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                TokenSelector.Selection s = sel.selectWithNoise(ps, x, noise);
                kept = s.keptIndices();
                gc.backward(s.tokens().tanh().mul(r).sum());
            }
            List<float[]> straightThrough = takeGradients(sel);

            // c[b, j] = Σ_d r[b, j+1, d] · (1 − tanh²(y)) · x[b, K_j + 1, d], y = the kept token.
            NDArray patches = x.get(":, 1:, :");
            NDArray gathered =
                    patches.gather(kept.expandDims(2).broadcast(new Shape(B, k, D)), 1);
            NDArray th = gathered.tanh();
            NDArray c = r.get(":, 1:, :").mul(th.mul(th).neg().add(1f)).mul(gathered).sum(new int[] {2});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray scores = sel.scorer().forward(ps, new NDList(patches), true).head();
                NDArray soft = scores.logSoftmax(1).add(noise).div(m.full(new Shape(), tau)).softmax(1);
                gc.backward(soft.gather(kept, 1).mul(c).sum());
            }
            List<float[]> soft = takeGradients(sel);

            // The last bias gets 0 (softmax ignores a shift), so compare on the largest entry's scale.
            double largest = 0;
            for (float[] g : soft) {
                for (float v : g) {
                    largest = Math.max(largest, Math.abs(v));
                }
            }
            assertTrue(largest > 1e-4, "the scorer received no gradient: " + largest);
            for (int i = 0; i < soft.size(); i++) {
                float[] expected = soft.get(i);
                float[] actual = straightThrough.get(i);
                for (int j = 0; j < expected.length; j++) {
                    assertEquals(expected[j], actual[j], 1e-5 * largest, "parameter " + i + " entry " + j);
                }
            }
        }
    }

    private static List<float[]> takeGradients(TokenSelector sel) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : sel.getParameters()) {
            try (NDArray g = p.getValue().getArray().getGradient()) {
                out.add(g.toFloatArray());
                g.muli(0);
            }
        }
        return out;
    }

    @Test
    void temperatureStartsAtTheScheduleAndRejectsNonPositiveValues() {
        TokenSelector sel = TokenSelector.of(TokenSelection.ratio(0.5), N);
        assertEquals(10.0, sel.temperature());
        sel.setTemperature(0.25);
        assertEquals(0.25, sel.temperature());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sel.setTemperature(0));
        assertEquals("temperature must be a number > 0, got 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sel.setTemperature(-2));
        assertTrue(e.getMessage().contains("-2.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TokenSelector.of(TokenSelection.count(10), N));
        assertTrue(e.getMessage().contains("10") && e.getMessage().contains("1..9"), e.getMessage());
    }

    @Test
    void rejectsASequenceOfTheWrongLength() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenSelector sel = selector(m, TokenSelection.count(3), N);
            NDArray x = m.randomNormal(new Shape(B, N, D));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> sel.select(new ParameterStore(m, false), x, false));
            assertTrue(e.getMessage().contains("(batch, 10, width)") && e.getMessage().contains("(2, 9, 5)"),
                    e.getMessage());
        }
    }

    @Test
    void theSelectorAndItsScorerAreKeepDense() {
        TokenSelector sel = TokenSelector.of(TokenSelection.ratio(0.5).withScorer(ScorerShape.mlp(4)), N);
        assertTrue(sel instanceof KeepDense);
        assertTrue(sel.scorer() instanceof KeepDense);
        assertEquals(List.of("fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"), sel.scorer().getParameters().keys()
                .stream().map(ParameterNames::display).toList());
    }
}
