package io.svite.models.deit;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transformer MLP, fc2(g ⊙ GELU(fc1(x))), with one gate per hidden unit.
 *
 * <p>Shapes: x (B, N, D) → hidden (B, N, M) → output (B, N, D), M hidden units. The neuron gate g
 * (shape (M)) multiplies the hidden activation before {@code fc2}; g_j = 0 removes unit j exactly,
 * and ∂L/∂g_j is its first-order Taylor score.
 *
 * <p>Optionally (VTP) fc1 reads only some model dimensions I (x ← x[..., I], weight (M, |I|)) and
 * an input gate u ({@code input_gate}, shape (|I|)) multiplies them: fc1(u ⊙ x).
 *
 * <p>While a sparse trainer says so ({@link DeiTUnits#execution}), the block computes only its
 * active neurons (the fc1 rows and fc2 columns whose gate is 1): the same output and gradients as
 * the gated pass up to the order of floating-point sums, at the active part's cost.
 */
public final class GatedMlp extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int hidden;
    private final Linear fc1;
    private final Linear fc2;
    private final Parameter neuronGate;
    private final long[] inputs;
    private final int inputCount;
    private final Parameter inputGate;
    private final Map<Device, UnitIndices> selected = new ConcurrentHashMap<>();

    /**
     * Creates an MLP of width {@code width} with {@code hidden} hidden units.
     *
     * @param width model width D
     * @param hidden hidden units M
     */
    public GatedMlp(int width, int hidden) {
        this(width, hidden, null, false);
    }

    /**
     * Creates an MLP reading only some model dimensions, optionally with an input gate.
     *
     * @param width model width D (output features)
     * @param hidden hidden units M
     * @param inputs the model dimensions fc1 reads, increasing, or null for all D
     * @param inputGate whether to gate the dimensions fc1 reads
     */
    public GatedMlp(int width, int hidden, java.util.List<Integer> inputs, boolean inputGate) {
        super(VERSION);
        this.inputs = Gates.indices(inputs);
        this.inputCount = inputs == null ? width : inputs.size();
        this.hidden = hidden;
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(hidden).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(width).build());
        fc1.setInitializer(new TruncatedNormalInitializer(0.02f), Parameter.Type.WEIGHT);
        fc2.setInitializer(new TruncatedNormalInitializer(0.02f), Parameter.Type.WEIGHT);
        neuronGate = addParameter(Gates.create("neuron_gate", hidden));
        this.inputGate = inputGate ? addParameter(Gates.create("input_gate", inputCount)) : null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        UnitIndices only = selected.get(x.getDevice());
        if (only != null && !only.active().isReleased()) {
            return new NDList(forwardActive(ps, x, training, only));
        }
        NDArray read = Gates.gatherAndGate(ps, x, this.inputs, inputGate, training);
        NDArray h = Activation.gelu(fc1.forward(ps, new NDList(read), training).singletonOrThrow());
        NDArray gate = ps.getValue(neuronGate, x.getDevice(), training);
        return fc2.forward(ps, new NDList(h.mul(gate)), training);
    }

    /**
     * The same output computed on the selected neurons only: fc2[:, S](g_S ⊙ GELU(fc1[S](x))) + b2
     * for the active neurons S; with {@code scoreInactive} the others are computed too, detached
     * from every weight and input so that only their gate gets a gradient (the added term is
     * exactly 0: their gates are 0).
     */
    private NDArray forwardActive(ParameterStore ps, NDArray x, boolean training, UnitIndices only) {
        Device device = x.getDevice();
        NDArray read = Gates.gatherAndGate(ps, x, this.inputs, inputGate, training);
        NDArray w1 = ps.getValue(fc1.getParameters().get("weight"), device, training);
        NDArray b1 = ps.getValue(fc1.getParameters().get("bias"), device, training);
        NDArray w2 = ps.getValue(fc2.getParameters().get("weight"), device, training);
        NDArray b2 = ps.getValue(fc2.getParameters().get("bias"), device, training);
        NDArray gate = ps.getValue(neuronGate, device, training);
        NDArray h = Activation.gelu(
                        Linear.linear(read, Gates.rows(w1, only.active(), x), Gates.rows(b1, only.active(), x))
                                .singletonOrThrow())
                .mul(Gates.rows(gate, only.active(), x));
        NDArray y = Linear.linear(h, Gates.columns(w2, only.active(), x), b2).singletonOrThrow();
        if (only.scoreInactive()) { // autograd keeps only the GELU output, for the gates' gradient
            y = Gates.plusDetachedBranch(y, read, in -> {
                NDArray fixedW1 = Gates.onBatch(w1.stopGradient(), in);
                NDArray fixedB1 = Gates.onBatch(b1.stopGradient(), in);
                NDArray fixedW2 = Gates.onBatch(w2.stopGradient(), in);
                NDArray scored = Activation.gelu(
                                Linear.linear(in, Gates.rows(fixedW1, only.inactive(), in),
                                                Gates.rows(fixedB1, only.inactive(), in))
                                        .singletonOrThrow())
                        .mul(Gates.rows(gate, only.inactive(), in));
                return scored.matMul(Gates.columns(fixedW2, only.inactive(), in).transpose());
            });
        }
        return y;
    }

    /**
     * Computes only some neurons on one device from the next forward pass on ({@link DeiTUnits}'s
     * execution calls this for the engine).
     *
     * @param device the device
     * @param active the active neurons, int64 on the device
     * @param inactive the other neurons
     * @param scoreInactive whether the other neurons are computed too, for their gate gradients
     */
    void computeOnly(Device device, NDArray active, NDArray inactive, boolean scoreInactive) {
        selected.put(device, UnitIndices.of(active, inactive, hidden, 1, 1, scoreInactive));
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

    /** Computes every neuron again, gated, on every device. */
    void computeAll() {
        selected.clear();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        fc1.initialize(manager, dataType, in.slice(0, in.dimension() - 1).add(inputCount));
        fc2.initialize(manager, dataType, in.slice(0, in.dimension() - 1).add(hidden));
    }

    /**
     * Number of hidden units.
     *
     * @return M
     */
    public int hidden() {
        return hidden;
    }

    /**
     * The first layer, weight (M, D); row j feeds unit j.
     *
     * @return fc1
     */
    public Linear fc1() {
        return fc1;
    }

    /**
     * The second layer, weight (D, M); column j reads unit j.
     *
     * @return fc2
     */
    public Linear fc2() {
        return fc2;
    }

    /**
     * The model dimensions fc1 reads.
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
     * The neuron gate, shape (M), all ones in a dense model.
     *
     * @return the gate parameter
     */
    public Parameter neuronGate() {
        return neuronGate;
    }
}
