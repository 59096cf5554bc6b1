package io.svite.models.compact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTBlock;
import io.svite.models.deit.GatedAttention;
import io.svite.models.deit.GatedMlp;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns trained soft gates (real values, as ViT-Slim learns them) into exact 0/1 gates that
 * {@link Compactor} accepts, without changing what the model computes.
 *
 * <p>A head gate g_h multiplies head h's output before {@code proj}, so proj(g ⊙ a) = (W · diag(g⊗1_d))
 * a + b: scaling proj's columns h·d … (h+1)·d − 1 by g_h and setting the gate to 1 is exact. A
 * neuron gate g_j multiplies GELU's output before {@code fc2}; scaling fc2's column j by g_j is
 * exact the same way. VTP's input gates u multiply the dimensions qkv (or fc1) reads, so qkv(u ⊙ x)
 * = (W · diag(u)) x + b: scaling qkv's (fc1's) columns by u is exact. Gates of exactly 0 stay 0
 * (their unit or dimension is pruned by compaction).
 */
public final class SoftGates {

    private SoftGates() {}

    /**
     * The gate values of every block, read to the host once (not for a training step).
     *
     * @param model an initialised DeiT
     * @return per block: head gate (H) and neuron gate (M) values
     */
    public static List<BlockGates> read(DeiT model) {
        List<BlockGates> out = new ArrayList<>();
        for (DeiTBlock block : model.blocks()) {
            out.add(new BlockGates(
                    floats(block.attention().headGate()), floats(block.mlp().neuronGate())));
        }
        return out;
    }

    /**
     * Writes new gate values into every block (values are the gates' new contents).
     *
     * @param model an initialised DeiT
     * @param gates one entry per block with the blocks' gate sizes
     * @throws IllegalArgumentException if the sizes do not match the model
     */
    public static void write(DeiT model, List<BlockGates> gates) {
        if (gates.size() != model.blocks().size()) {
            throw new IllegalArgumentException(
                    "expected gates for " + model.blocks().size() + " blocks, got " + gates.size());
        }
        for (int i = 0; i < gates.size(); i++) {
            DeiTBlock block = model.blocks().get(i);
            set(block.attention().headGate(), gates.get(i).heads(), i, "head_gate");
            set(block.mlp().neuronGate(), gates.get(i).neurons(), i, "neuron_gate");
        }
    }

    /**
     * Folds every non-zero head and neuron gate into the weights that read its unit and sets it to
     * 1; zero gates stay 0. The model's output is unchanged (up to float rounding).
     *
     * @param model an initialised DeiT whose gates are finite
     * @throws IllegalArgumentException if a gate is NaN or infinite
     */
    public static void fold(DeiT model) {
        List<BlockGates> gates = read(model);
        List<BlockGates> binary = new ArrayList<>();
        for (int i = 0; i < gates.size(); i++) {
            BlockGates g = gates.get(i);
            checkFinite(g.heads(), i, "head_gate");
            checkFinite(g.neurons(), i, "neuron_gate");
            DeiTBlock block = model.blocks().get(i);
            GatedAttention attn = block.attention();
            int d = attn.headDim();
            float[] columns = new float[g.heads().length * d];
            for (int h = 0; h < g.heads().length; h++) {
                for (int j = 0; j < d; j++) {
                    columns[h * d + j] = g.heads()[h];
                }
            }
            scaleColumns(attn.proj(), columns);
            GatedMlp mlp = block.mlp();
            scaleColumns(mlp.fc2(), g.neurons());
            binary.add(new BlockGates(binaryOf(g.heads()), binaryOf(g.neurons())));
        }
        write(model, binary);
        if (model.config().inputGates()) {
            List<InputGates> inputs = readInputs(model);
            List<InputGates> binaryInputs = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                InputGates u = inputs.get(i);
                checkFinite(u.attn(), i, "attn input_gate");
                checkFinite(u.mlp(), i, "mlp input_gate");
                scaleColumns(model.blocks().get(i).attention().qkv(), u.attn());
                scaleColumns(model.blocks().get(i).mlp().fc1(), u.mlp());
                binaryInputs.add(new InputGates(binaryOf(u.attn()), binaryOf(u.mlp())));
            }
            writeInputs(model, binaryInputs);
        }
    }

    /**
     * The input gate values of every block (VTP), read to the host once.
     *
     * @param model an initialised DeiT built with input gates
     * @return per block: the attention's and the MLP's input gate values
     * @throws IllegalArgumentException if the model has no input gates
     */
    public static List<InputGates> readInputs(DeiT model) {
        requireInputGates(model);
        List<InputGates> out = new ArrayList<>();
        for (DeiTBlock block : model.blocks()) {
            out.add(new InputGates(floats(block.attention().inputGate()), floats(block.mlp().inputGate())));
        }
        return out;
    }

    /**
     * Writes new input gate values into every block (VTP).
     *
     * @param model an initialised DeiT built with input gates
     * @param gates one entry per block with the blocks' input sizes
     * @throws IllegalArgumentException if the model has no input gates or the sizes differ
     */
    public static void writeInputs(DeiT model, List<InputGates> gates) {
        requireInputGates(model);
        if (gates.size() != model.blocks().size()) {
            throw new IllegalArgumentException(
                    "expected input gates for " + model.blocks().size() + " blocks, got " + gates.size());
        }
        for (int i = 0; i < gates.size(); i++) {
            DeiTBlock block = model.blocks().get(i);
            set(block.attention().inputGate(), gates.get(i).attn(), i, "attn input_gate");
            set(block.mlp().inputGate(), gates.get(i).mlp(), i, "mlp input_gate");
        }
    }

    /**
     * The patch gate values (ViT-Slim), read to the host once. The patch gate is not folded by
     * {@link #fold}: it scales a token before a LayerNorm, so {@link Compactor} keeps its non-zero
     * values in the compacted model instead.
     *
     * @param model an initialised DeiT built with patch gates
     * @return one value per patch position that reaches the blocks (k)
     * @throws IllegalArgumentException if the model has no patch gate
     */
    public static float[] readPatches(DeiT model) {
        return floats(requirePatchGate(model));
    }

    /**
     * Writes new patch gate values (ViT-Slim).
     *
     * @param model an initialised DeiT built with patch gates
     * @param values one value per patch position that reaches the blocks
     * @throws IllegalArgumentException if the model has no patch gate or the size differs
     */
    public static void writePatches(DeiT model, float[] values) {
        Parameter gate = requirePatchGate(model);
        NDArray a = gate.getArray();
        if (a.size() != values.length) {
            throw new IllegalArgumentException("patch_gate has " + a.size() + " entries, got " + values.length + " values");
        }
        try (NDManager scope = NDManager.subManagerOf(a)) {
            NDArray v = scope.create(values).toType(a.getDataType(), false);
            a.muli(scope.zeros(a.getShape(), a.getDataType())).addi(v);
        }
    }

    private static Parameter requirePatchGate(DeiT model) {
        return model.patchGate().orElseThrow(() -> new IllegalArgumentException(
                "this DeiT has no patch gate; build it from DeiTConfig.withPatchGates(true)"));
    }

    private static void requireInputGates(DeiT model) {
        if (!model.config().inputGates()) {
            throw new IllegalArgumentException(
                    "this DeiT has no input gates; build it from DeiTConfig.withInputGates(true)");
        }
    }

    /** Multiplies column j of a linear layer's weight (out, in) by {@code scale[j]}, on its device. */
    static void scaleColumns(Linear linear, float[] scale) {
        NDArray w = linear.getParameters().get("weight").getArray();
        try (NDManager scope = NDManager.subManagerOf(w)) {
            NDArray s = scope.create(scale).toType(w.getDataType(), false);
            w.muli(s);
        }
    }

    static float[] floats(Parameter gate) {
        if (!gate.isInitialized()) {
            throw new IllegalStateException("gate " + gate.getName() + " has no value; initialise the model first");
        }
        NDArray a = gate.getArray();
        try (NDManager scope = NDManager.subManagerOf(a)) {
            NDArray copy = a.toType(DataType.FLOAT32, true);
            copy.attach(scope);
            return copy.toFloatArray();
        }
    }

    static void set(Parameter gate, float[] values, int block, String name) {
        NDArray a = gate.getArray();
        if (a.size() != values.length) {
            throw new IllegalArgumentException(
                    "block " + block + " " + name + " has " + a.size() + " entries, got " + values.length + " values");
        }
        try (NDManager scope = NDManager.subManagerOf(a)) {
            NDArray v = scope.create(values).toType(a.getDataType(), false);
            a.muli(scope.zeros(a.getShape(), a.getDataType())).addi(v);
        }
    }

    private static float[] binaryOf(float[] values) {
        float[] out = new float[values.length];
        for (int j = 0; j < values.length; j++) {
            out[j] = values[j] == 0f ? 0f : 1f;
        }
        return out;
    }

    private static void checkFinite(float[] values, int block, String name) {
        for (int j = 0; j < values.length; j++) {
            if (!Float.isFinite(values[j])) {
                throw new IllegalArgumentException(
                        "block " + block + " " + name + "[" + j + "] is " + values[j] + "; soft gates must be finite");
            }
        }
    }

    /**
     * One block's gate values.
     *
     * @param heads head gate values (H)
     * @param neurons neuron gate values (M)
     */
    public record BlockGates(float[] heads, float[] neurons) {}

    /**
     * One block's input gate values (VTP).
     *
     * @param attn the gate on the dimensions qkv reads
     * @param mlp the gate on the dimensions fc1 reads
     */
    public record InputGates(float[] attn, float[] mlp) {}
}
