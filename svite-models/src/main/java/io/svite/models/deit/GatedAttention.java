package io.svite.models.deit;

import io.svite.core.ndarray.Scalars;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Multi-head self-attention with a fused qkv projection and one gate per head.
 *
 * <p>Dimension legend: B batch, N tokens, D model width, H heads of this block, d = head
 * dimension. Input and output are (B, N, D).
 *
 * <pre>
 *   q, k, v = split(qkv(x))                      each (B, H, N, d)
 *   A_h     = softmax(q_h k_hᵀ / √d) v_h          (B, H, N, d)
 *   y       = proj(concat_h(g_h · A_h))           (B, N, D)
 * </pre>
 *
 * <p>The head gate g (shape (H)) multiplies each head's output before {@code proj}; g_h = 0 removes
 * head h exactly, including its value bias, and ∂L/∂g_h = ⟨A_h, ∂L/∂A_h⟩ is the head's
 * first-order Taylor score.
 *
 * <p>Optionally (VTP) the block reads only some model dimensions I (|I| = D′): x ← x[..., I] before
 * {@code qkv}, whose weight is then (3·H·d, D′); and an input gate u (shape (D′), {@code
 * input_gate}) multiplies the dimensions qkv reads: qkv(u ⊙ x). u_i = 0 removes input column i
 * exactly.
 *
 * <p>An optional second input is an additive key mask (1, 1, 1, N) added to the scores before the
 * softmax: 0 for a key every query may read, −10⁹ for one no query reads (its weight becomes exactly
 * 0). {@link DeiT} passes it with ViT-Slim's patch gate so a patch gated to exactly 0 is removed as
 * dropping it would remove it.
 *
 * <p>While a sparse trainer says so ({@link DeiTUnits#execution}), the block computes only its
 * active heads: the qkv rows, attention and proj columns of the heads whose gate is 1, which gives
 * the same output and gradients as the gated pass up to the order of floating-point sums.
 */
public final class GatedAttention extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int heads;
    private final int headDim;
    private final float scale;
    private final Linear qkv;
    private final Linear proj;
    private final Parameter headGate;
    private final long[] inputs;
    private final int inputCount;
    private final Parameter inputGate;
    private final Map<Device, UnitIndices> selected = new ConcurrentHashMap<>();

    /**
     * Creates the attention block of width {@code width} with {@code heads} heads of {@code
     * headDim} dimensions each.
     *
     * @param width model width D (input and output features)
     * @param heads number of heads H of this block
     * @param headDim dimensions per head d
     */
    public GatedAttention(int width, int heads, int headDim) {
        this(width, heads, headDim, null, false);
    }

    /**
     * Creates the attention block reading only some model dimensions, optionally with an input
     * gate.
     *
     * @param width model width D (output features)
     * @param heads number of heads H of this block
     * @param headDim dimensions per head d
     * @param inputs the model dimensions qkv reads, increasing, or null for all D
     * @param inputGate whether to gate the dimensions qkv reads
     */
    public GatedAttention(int width, int heads, int headDim, java.util.List<Integer> inputs, boolean inputGate) {
        super(VERSION);
        this.inputs = Gates.indices(inputs);
        this.inputCount = inputs == null ? width : inputs.size();
        this.heads = heads;
        this.headDim = headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * heads * headDim).build());
        proj = addChildBlock("proj", Linear.builder().setUnits(width).build());
        qkv.setInitializer(new TruncatedNormalInitializer(0.02f), Parameter.Type.WEIGHT);
        proj.setInitializer(new TruncatedNormalInitializer(0.02f), Parameter.Type.WEIGHT);
        headGate = addParameter(Gates.create("head_gate", heads));
        this.inputGate = inputGate ? addParameter(Gates.create("input_gate", inputCount)) : null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        UnitIndices only = selected.get(inputs.head().getDevice());
        if (only != null && !only.active().isReleased()) {
            return new NDList(forwardActive(ps, inputs, training, only));
        }
        NDArray x = inputs.head();
        long b = x.getShape().get(0);
        long n = x.getShape().get(1);
        NDArray read = Gates.gatherAndGate(ps, x, this.inputs, inputGate, training);
        NDArray fused = qkv.forward(ps, new NDList(read), training).singletonOrThrow();
        NDArray split = fused.reshape(b, n, 3, heads, headDim).transpose(2, 0, 3, 1, 4);
        NDArray q = split.get(0);
        NDArray k = split.get(1);
        NDArray v = split.get(2);
        NDArray scores = q.mul(Scalars.like(q, scale)).matMul(k.transpose(0, 1, 3, 2));
        if (inputs.size() > 1) {
            scores = scores.add(inputs.get(1));
        }
        NDArray attn = scores.softmax(-1);
        NDArray perHead = attn.matMul(v); // (B, H, N, d)
        NDArray gate = ps.getValue(headGate, x.getDevice(), training);
        NDArray gated = perHead.mul(Gates.broadcastable(gate, perHead, new Shape(heads, 1, 1)));
        NDArray merged = gated.transpose(0, 2, 1, 3).reshape(b, n, (long) heads * headDim);
        return proj.forward(ps, new NDList(merged), training);
    }

    /**
     * The same output computed on the selected heads only: with S the active heads (k of them),
     * q, k, v from the rows of S of qkv, attention on k heads, and proj on the columns of S; with
     * {@code scoreInactive} the other heads are computed too, detached from every weight and
     * input, so that only their gate gets a gradient: y + proj_inactive(g_inactive ⊙ A_inactive),
     * where the added term is exactly 0 (the inactive gates are 0).
     */
    private NDArray forwardActive(ParameterStore ps, NDList inputs, boolean training, UnitIndices only) {
        NDArray x = inputs.head();
        NDArray keyMask = inputs.size() > 1 ? inputs.get(1) : null;
        Device device = x.getDevice();
        NDArray read = Gates.gatherAndGate(ps, x, this.inputs, inputGate, training);
        NDArray w = ps.getValue(qkv.getParameters().get("weight"), device, training);
        NDArray bias = ps.getValue(qkv.getParameters().get("bias"), device, training);
        NDArray pw = ps.getValue(proj.getParameters().get("weight"), device, training);
        NDArray pb = ps.getValue(proj.getParameters().get("bias"), device, training);
        NDArray gate = ps.getValue(headGate, device, training);
        NDArray merged = heads(read, Gates.rows(w, only.activeRows(), x), Gates.rows(bias, only.activeRows(), x),
                Gates.rows(gate, only.active(), x), keyMask);
        NDArray y = Linear.linear(merged, Gates.columns(pw, only.activeCols(), x), pb).singletonOrThrow();
        if (only.scoreInactive()) { // the closed heads' attention maps are freed at once
            y = Gates.plusDetachedBranch(y, read, in -> {
                NDArray fixedW = Gates.onBatch(w.stopGradient(), in);
                NDArray fixedB = Gates.onBatch(bias.stopGradient(), in);
                NDArray fixedPw = Gates.onBatch(pw.stopGradient(), in);
                NDArray scored = heads(in, Gates.rows(fixedW, only.inactiveRows(), in),
                        Gates.rows(fixedB, only.inactiveRows(), in), Gates.rows(gate, only.inactive(), in), keyMask);
                return scored.matMul(Gates.columns(fixedPw, only.inactiveCols(), in).transpose());
            });
        }
        return y;
    }

    /**
     * Attention of the heads whose qkv rows and gate entries are given: (B, N, K·d) for K heads.
     */
    private NDArray heads(NDArray read, NDArray w, NDArray bias, NDArray gate, NDArray keyMask) {
        long b = read.getShape().get(0);
        long n = read.getShape().get(1);
        long units = gate.getShape().get(0);
        NDArray fused = Linear.linear(read, w, bias).singletonOrThrow();
        NDArray split = fused.reshape(b, n, 3, units, headDim).transpose(2, 0, 3, 1, 4);
        NDArray q = split.get(0);
        NDArray k = split.get(1);
        NDArray v = split.get(2);
        NDArray scores = q.mul(Scalars.like(q, scale)).matMul(k.transpose(0, 1, 3, 2));
        if (keyMask != null) {
            scores = scores.add(keyMask);
        }
        NDArray perHead = scores.softmax(-1).matMul(v);
        NDArray gated = perHead.mul(Gates.broadcastable(gate, perHead, new Shape(units, 1, 1)));
        return gated.transpose(0, 2, 1, 3).reshape(b, n, units * headDim);
    }

    /**
     * Computes only some heads on one device from the next forward pass on ({@link DeiTUnits}'s
     * execution calls this for the engine).
     *
     * @param device the device
     * @param active the active heads, int64 on the device
     * @param inactive the other heads
     * @param scoreInactive whether the other heads are computed too, for their gate gradients
     */
    void computeOnly(Device device, NDArray active, NDArray inactive, boolean scoreInactive) {
        selected.put(device, UnitIndices.of(active, inactive, heads, 3, headDim, scoreInactive));
    }

    /**
     * What this block computes on a device, for tests.
     *
     * @param device the device
     * @return the selected units, or null at full width
     */
    UnitIndices selection(Device device) {
        return selected.get(device);
    }

    /** Computes every head again, gated, on every device. */
    void computeAll() {
        selected.clear();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(
            ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        qkv.initialize(manager, dataType, new Shape(in.get(0), in.get(1), inputCount));
        proj.initialize(manager, dataType, new Shape(in.get(0), in.get(1), (long) heads * headDim));
    }

    /**
     * Number of heads of this block.
     *
     * @return H
     */
    public int heads() {
        return heads;
    }

    /**
     * Dimensions per head.
     *
     * @return d
     */
    public int headDim() {
        return headDim;
    }

    /**
     * The fused query-key-value projection, weight (3·H·d, D) laid out as [q heads | k heads | v
     * heads].
     *
     * @return the qkv layer
     */
    public Linear qkv() {
        return qkv;
    }

    /**
     * The output projection, weight (D, H·d); columns h·d … (h+1)·d−1 read head h.
     *
     * @return the proj layer
     */
    public Linear proj() {
        return proj;
    }

    /**
     * The model dimensions qkv reads.
     *
     * @return increasing indices, or null for all D
     */
    public java.util.List<Integer> inputs() {
        return Gates.list(inputs);
    }

    /**
     * The input gate, shape (D′), if this block has one.
     *
     * @return the gate parameter, or null
     */
    public Parameter inputGate() {
        return inputGate;
    }

    /**
     * The head gate, shape (H), all ones in a dense model.
     *
     * @return the gate parameter
     */
    public Parameter headGate() {
        return headGate;
    }
}
