package io.svite.models.tokens;

import io.svite.core.ndarray.Scalars;
import io.svite.core.select.KeepDense;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * SViTE+'s learnable token selector: scores the N patch tokens of each image, keeps the k best and
 * removes the others from the sequence, so every later block runs on k + 1 tokens.
 *
 * <p>Dimension legend: B batch, N patches, k kept patches, D width. Input: the tokens after the
 * position embedding, (B, N + 1, D), class token first. Output: (B, k + 1, D) — the class token,
 * always kept, then the kept patch tokens in their original order.
 *
 * <p>Training (Gumbel top-k with a straight-through estimator, τ the current temperature):
 *
 * <pre>
 *   s      = scorer(patches)                          (B, N)
 *   z      = log_softmax(s) + g,   g ~ Gumbel(0, 1)   (B, N)
 *   y_soft = softmax(z / τ)                           (B, N)
 *   K      = sorted indices of the top-k of z         (B, k)   (= top-k of y_soft)
 *   m      = (y_soft[K] − stopgrad(y_soft[K])) + 1    (B, k)   forward exactly 1
 *   out    = [cls; m ⊙ patches[K]]                    (B, k + 1, D)
 * </pre>
 *
 * The forward pass therefore sees the hard 0/1 selection — kept tokens unchanged, dropped tokens
 * absent — while the backward pass sees the gathered entries of the tempered softmax: ∂L/∂s =
 * Σ_j ⟨∂L/∂out_j, patches[K_j]⟩ · ∂y_soft[K_j]/∂s. This is the reference's straight-through
 * estimator restricted to the kept tokens: a dropped token is not in the sequence, so its score
 * moves only through the softmax normalisation.
 *
 * <p>Evaluation: K = sorted indices of the top-k of s — no noise, the same input always keeps the
 * same tokens.
 *
 * <p>The temperature is state of this block, set from outside: {@link #setTemperature(double)},
 * usually by a {@link TemperatureListener} once per training step. It starts at the schedule's
 * first value. The selector is {@link KeepDense}: its scorer is never a sparsity target.
 */
public final class TokenSelector extends AbstractBlock implements KeepDense {

    private static final byte VERSION = 1;

    private final TokenSelection selection;
    private final int patches;
    private final int kept;
    private final TokenScorer scorer;
    private volatile double temperature;

    private TokenSelector(TokenSelection selection, int patches) {
        super(VERSION);
        this.selection = selection;
        this.patches = patches;
        this.kept = selection.keptPatches(patches);
        this.scorer = addChildBlock("scorer", new TokenScorer(selection.scorer()));
        this.temperature = selection.temperature().start();
    }

    /**
     * A selector for a model with {@code patches} patch tokens.
     *
     * @param selection how many tokens to keep, the scorer's shape and the temperature schedule
     * @param patches the model's patch count N
     * @return an uninitialised selector
     * @throws IllegalArgumentException if the selection keeps more patches than there are
     */
    public static TokenSelector of(TokenSelection selection, int patches) {
        if (selection == null) {
            throw new IllegalArgumentException("a token selector needs a TokenSelection, got null");
        }
        return new TokenSelector(selection, patches);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(select(ps, inputs.singletonOrThrow(), training).tokens());
    }

    /**
     * Selects the kept tokens and says which they are.
     *
     * @param ps the parameter store
     * @param tokens tokens after the position embedding, (B, N + 1, D), class token first
     * @param training true for the Gumbel top-k with the straight-through estimator, false for the
     *     deterministic top-k
     * @return the shortened sequence and the kept patch indices
     * @throws IllegalArgumentException if the input is not (B, N + 1, D)
     */
    public Selection select(ParameterStore ps, NDArray tokens, boolean training) {
        checkInput(tokens);
        NDArray noise = null;
        if (training) {
            noise = gumbelNoise(tokens, new Shape(tokens.getShape().get(0), patches));
        }
        return select(ps, tokens, noise, training);
    }

    /**
     * The training selection with given Gumbel noise (tests compare it against a hand computation).
     *
     * @param ps the parameter store
     * @param tokens (B, N + 1, D)
     * @param noise Gumbel noise (B, N)
     * @return the selection
     */
    Selection selectWithNoise(ParameterStore ps, NDArray tokens, NDArray noise) {
        checkInput(tokens);
        return select(ps, tokens, noise, true);
    }

    private Selection select(ParameterStore ps, NDArray tokens, NDArray noise, boolean training) {
        NDArray cls = tokens.get(":, :1, :");
        NDArray patchTokens = tokens.get(":, 1:, :");
        NDArray scores = scorer.forward(ps, new NDList(patchTokens), training).singletonOrThrow();
        NDArray keptTokens;
        NDArray indices;
        if (noise == null) {
            indices = topKSorted(scores);
            keptTokens = gatherRows(patchTokens, indices);
        } else {
            NDArray perturbed = scores.logSoftmax(1).add(noise);
            NDArray soft = perturbed.div(Scalars.like(perturbed, (float) temperature)).softmax(1);
            indices = topKSorted(perturbed.stopGradient());
            NDArray keptSoft = soft.gather(indices, 1);
            NDArray straightThrough =
                    keptSoft.sub(keptSoft.stopGradient()).add(Scalars.like(keptSoft, 1f));
            keptTokens = gatherRows(patchTokens, indices).mul(straightThrough.expandDims(2));
        }
        return new Selection(NDArrays.concat(new NDList(cls, keptTokens), 1), indices);
    }

    /** Indices of the k largest entries of each row, in increasing order: (B, N) → (B, k) int64. */
    private NDArray topKSorted(NDArray scores) {
        return scores.topK(kept, 1, true, false).get(1).sort(1);
    }

    /** Rows {@code indices} of each image: (B, N, D) and (B, k) → (B, k, D). */
    private static NDArray gatherRows(NDArray rows, NDArray indices) {
        Shape s = rows.getShape();
        NDArray index = indices.expandDims(2).broadcast(new Shape(s.get(0), indices.getShape().get(1), s.get(2)));
        return rows.gather(index, 1);
    }

    /**
     * Standard Gumbel noise −log(−log(u)), u uniform in (0, 1), on {@code like}'s device and
     * manager.
     */
    static NDArray gumbelNoise(NDArray like, Shape shape) {
        NDManager m = like.getManager();
        NDArray u = m.randomUniform(Float.MIN_NORMAL, 1f, shape, like.getDataType(), like.getDevice());
        return u.log().neg().log().neg();
    }

    private void checkInput(NDArray tokens) {
        Shape s = tokens.getShape();
        if (s.dimension() != 3 || s.get(1) != patches + 1L) {
            throw new IllegalArgumentException(
                    "the token selector expects (batch, "
                            + (patches + 1)
                            + ", width) tokens — the class token and "
                            + patches
                            + " patches — got "
                            + s);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), kept + 1L, in.get(2))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        scorer.initialize(manager, dataType, new Shape(in.get(0), patches, in.get(2)));
    }

    /**
     * Sets the Gumbel-softmax temperature used by the following training passes.
     *
     * @param tau the temperature, &gt; 0
     * @throws IllegalArgumentException if {@code tau} is not a positive finite number
     */
    public void setTemperature(double tau) {
        TemperatureSchedule.positive("temperature", tau);
        this.temperature = tau;
    }

    /**
     * The current Gumbel-softmax temperature.
     *
     * @return τ
     */
    public double temperature() {
        return temperature;
    }

    /**
     * The settings this selector was built from.
     *
     * @return the selection
     */
    public TokenSelection selection() {
        return selection;
    }

    /**
     * Patch tokens the selector chooses from.
     *
     * @return N
     */
    public int patches() {
        return patches;
    }

    /**
     * Patch tokens kept per image.
     *
     * @return k
     */
    public int keptPatches() {
        return kept;
    }

    /**
     * The scorer block (parameters {@code fc_weight}/{@code fc_bias}, or {@code fc1_…}/{@code
     * fc2_…} for the MLP).
     *
     * @return the scorer
     */
    public Block scorer() {
        return scorer;
    }

    /**
     * The output of a selection.
     *
     * @param tokens the shortened sequence (B, k + 1, D), class token first
     * @param keptIndices indices of the kept patches in 0 … N − 1, (B, k) int64, increasing along
     *     each row
     */
    public record Selection(NDArray tokens, NDArray keptIndices) {}
}
