package io.svite.models.compact;

import io.svite.core.select.ParameterNames;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTBlock;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.deit.GatedAttention;
import io.svite.models.deit.GatedMlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the smaller dense DeiT that computes exactly what a gated DeiT computes.
 *
 * <p>A gate of 0 removes its unit exactly (see {@link GatedAttention} and {@link GatedMlp}), so
 * dropping the unit's weights changes nothing. For block i with kept heads K (|K| = h′, head
 * dimension d, H heads before) and kept neurons J:
 *
 * <pre>
 *   qkv.weight  (3·H·d, D) → (3·h′·d, D)   rows of q, k and v of every kept head, in that order
 *   qkv.bias    (3·H·d)    → (3·h′·d)      the same rows
 *   proj.weight (D, H·d)   → (D, h′·d)     the columns that read the kept heads
 *   fc1.weight  (M, D)     → (|J|, D)      rows J;  fc1.bias (M) → (|J|)
 *   fc2.weight  (D, M)     → (D, |J|)      columns J
 * </pre>
 *
 * <p>With VTP's input gates ({@link DeiTConfig#inputGates()}), the dimensions whose input gate is 0
 * are removed too: qkv's (and fc1's) weight keeps only the columns of the kept dimensions, and the
 * compacted block gathers those dimensions of the normalised tokens ({@link BlockShape#attnInputs()},
 * {@link BlockShape#mlpInputs()}); its input gates are 1.
 *
 * <p>With ViT-Slim's patch gate ({@link DeiTConfig#patchGates()}), the positions whose gate is 0 are
 * dropped: the compacted model gathers the kept patch tokens before the blocks ({@link
 * DeiTConfig#keptPositions()}), its position embedding keeps the class token's row and the kept
 * positions' rows, and its patch gate keeps the kept entries' values (any finite non-zero value; a
 * patch gate scales a token before a LayerNorm, so it cannot be folded into a weight).
 *
 * <p>Every other parameter (patch embedding, class token, position embedding, LayerNorms, proj and
 * fc2 biases, classifier, and any parameter a later component adds) is copied unchanged, matched
 * by its position and name. The result's gates are all 1. Copies stay on the device: slices are
 * gathered with index arrays and become the new parameters' initial values (no random
 * initialisation of the result, no host round trip of weights). The gated model is not changed.
 *
 * <p>Gates must be exactly 0 (pruned) or 1 (kept); any other value, including NaN, is refused
 * rather than folded into the weights, and every block must keep at least one head and one
 * neuron.
 *
 * <p><b>Padding.</b> {@link #compact(DeiT, NDManager, int)} can round each block's neuron count up
 * to a multiple (8 is a good choice on CPUs: DeiT-Small's fc1 with 921 outputs reached 28 G
 * multiply-accumulates per second against 41 with 928 in {@code LinearWidthBench}, see
 * docs/compaction.md). The extra neurons have zero fc1 rows, zero fc1 biases, zero fc2 columns and
 * a gate of 0, so the outputs are still exactly the gated model's and the padding stays inert if
 * the model is trained further; the configuration counts them, so the cost model charges for them.
 */
public final class Compactor {

    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private Compactor() {}

    /**
     * Reads the gates of every block.
     *
     * @param gated an initialised or loaded DeiT whose gates are 0 or 1
     * @return one entry per block, in order
     * @throws IllegalStateException if the model has no parameter values yet
     * @throws IllegalArgumentException if a gate is neither 0 nor 1, or a block keeps no head or no
     *     neuron
     */
    public static List<KeptUnits> keptUnits(DeiT gated) {
        List<KeptUnits> kept = new ArrayList<>();
        for (int i = 0; i < gated.blocks().size(); i++) {
            DeiTBlock block = gated.blocks().get(i);
            List<Integer> heads = onIndices(block.attention().headGate(), i, "head_gate");
            List<Integer> neurons = onIndices(block.mlp().neuronGate(), i, "neuron_gate");
            if (heads.isEmpty()) {
                throw new IllegalArgumentException(
                        "block " + i + " has all " + block.attention().heads()
                                + " heads gated off (head_gate is all 0); a compacted block needs at"
                                + " least one head");
            }
            if (neurons.isEmpty()) {
                throw new IllegalArgumentException(
                        "block " + i + " has all " + block.mlp().hidden()
                                + " MLP neurons gated off (neuron_gate is all 0); a compacted block"
                                + " needs at least one neuron");
            }
            kept.add(new KeptUnits(heads, neurons));
        }
        return kept;
    }

    /**
     * The architecture of the compacted model: the gated model's configuration with each block's
     * kept head and neuron counts.
     *
     * @param gated an initialised or loaded DeiT whose gates are 0 or 1
     * @return the compacted configuration
     */
    public static DeiTConfig compactedConfig(DeiT gated) {
        return configFor(gated, keptUnits(gated));
    }

    /**
     * Builds and initialises the compacted model.
     *
     * @param gated an initialised or loaded DeiT whose gates are 0 or 1; it is not modified
     * @param manager where the compacted model's parameters live (its device is used)
     * @return an initialised DeiT of configuration {@link #compactedConfig(DeiT)} whose outputs
     *     equal the gated model's
     * @throws IllegalStateException if the model has no parameter values yet
     * @throws IllegalArgumentException if a gate is neither 0 nor 1, or a block keeps no head or no
     *     neuron
     */
    public static DeiT compact(DeiT gated, NDManager manager) {
        return compact(gated, manager, 1);
    }

    /**
     * Builds and initialises the compacted model with each block's neuron count rounded up to a
     * multiple of {@code neuronMultiple} (never beyond the gated block's own count) by inert,
     * gated-off neurons.
     *
     * @param gated an initialised or loaded DeiT whose gates are 0 or 1; it is not modified
     * @param manager where the compacted model's parameters live (its device is used)
     * @param neuronMultiple 1 for no padding, 8 for CPU-friendly widths
     * @return an initialised DeiT whose outputs equal the gated model's
     * @throws IllegalStateException if the model has no parameter values yet
     * @throws IllegalArgumentException if {@code neuronMultiple < 1}, a gate is neither 0 nor 1, or
     *     a block keeps no head or no neuron
     */
    public static DeiT compact(DeiT gated, NDManager manager, int neuronMultiple) {
        if (neuronMultiple < 1) {
            throw new IllegalArgumentException("the neuron multiple must be >= 1, got " + neuronMultiple);
        }
        List<KeptUnits> kept = keptUnits(gated);
        List<BlockShape> shapes = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            int k = kept.get(i).neurons().size();
            long rounded = ((long) k + neuronMultiple - 1) / neuronMultiple * neuronMultiple;
            int hidden = (int) Math.min(gated.blocks().get(i).mlp().hidden(), rounded);
            shapes.add(withInputs(gated, i, new BlockShape(kept.get(i).heads().size(), hidden)));
        }
        long[] patches = keptPatchGate(gated);
        DeiTConfig config = gated.config().withBlocks(shapes).withKeptPositions(keptPositions(gated, patches));
        DeiT compact = DeiT.of(config);
        Map<Parameter, Initializer> sources = structuredSources(gated, compact, kept);
        if (patches != null) {
            long[] rows = new long[patches.length + 1];
            for (int j = 0; j < patches.length; j++) {
                rows[j + 1] = patches[j] + 1;
            }
            sources.put(compact.posEmbedding(), new Slice(gated.posEmbedding(), rows, 1, rows.length));
            sources.put(compact.patchGate().orElseThrow(),
                    new Slice(gated.patchGate().orElseThrow(), patches, 0, patches.length));
        }
        DataType dataType = addUnchanged(gated, compact, sources);
        initialiseFrom(compact, sources, manager, dataType);
        if (LOG.isDebugEnabled()) {
            LOG.debug("compacted {} blocks to {}", kept.size(), config.blocks());
        }
        return compact;
    }

    /**
     * Where the sliced parameters of every block come from; gates that are all ones are left out
     * (their own initialiser makes them).
     */
    private static Map<Parameter, Initializer> structuredSources(DeiT gated, DeiT compact, List<KeptUnits> kept) {
        Map<Parameter, Initializer> sources = new IdentityHashMap<>();
        int d = compact.config().headDim();
        for (int i = 0; i < kept.size(); i++) {
            KeptUnits units = kept.get(i);
            GatedAttention fromAttn = gated.blocks().get(i).attention();
            GatedAttention toAttn = compact.blocks().get(i).attention();
            long[] rows = qkvRows(units.heads(), fromAttn.heads(), d);
            long[] columns = headColumns(units.heads(), d);
            long[] attnIn = keptInputs(fromAttn.inputGate(), i);
            sources.put(weight(toAttn.qkv()), new Slice(weight(fromAttn.qkv()), rows, 0, rows.length, attnIn));
            if (toAttn.inputGate() != null) {
                sources.put(toAttn.inputGate(), null);
            }
            sources.put(bias(toAttn.qkv()), new Slice(bias(fromAttn.qkv()), rows, 0, rows.length));
            sources.put(weight(toAttn.proj()), new Slice(weight(fromAttn.proj()), columns, 1, columns.length));
            sources.put(toAttn.headGate(), null);

            GatedMlp fromMlp = gated.blocks().get(i).mlp();
            GatedMlp toMlp = compact.blocks().get(i).mlp();
            long[] neurons = toLongs(units.neurons());
            int hidden = toMlp.hidden();
            long[] mlpIn = keptInputs(fromMlp.inputGate(), i);
            sources.put(weight(toMlp.fc1()), new Slice(weight(fromMlp.fc1()), neurons, 0, hidden, mlpIn));
            if (toMlp.inputGate() != null) {
                sources.put(toMlp.inputGate(), null);
            }
            sources.put(bias(toMlp.fc1()), new Slice(bias(fromMlp.fc1()), neurons, 0, hidden));
            sources.put(weight(toMlp.fc2()), new Slice(weight(fromMlp.fc2()), neurons, 1, hidden));
            sources.put(toMlp.neuronGate(), hidden > neurons.length ? new PaddedGate(neurons.length) : null);
        }
        return sources;
    }

    /**
     * Adds a whole copy for every parameter without a source yet, after checking that both models
     * list the same parameter names in the same order.
     *
     * @return the data type of the gated model's parameters
     */
    private static DataType addUnchanged(DeiT gated, DeiT compact, Map<Parameter, Initializer> sources) {
        PairList<String, Parameter> from = gated.getParameters();
        PairList<String, Parameter> to = compact.getParameters();
        if (from.size() != to.size()) {
            throw new IllegalStateException(
                    "the compacted model has " + to.size() + " parameters but the gated one has "
                            + from.size());
        }
        DataType dataType = null;
        for (int j = 0; j < to.size(); j++) {
            String name = to.keyAt(j);
            if (!name.equals(from.keyAt(j))) {
                throw new IllegalStateException(
                        "parameter " + j + " is " + from.keyAt(j) + " in the gated model but " + name
                                + " in the compacted one");
            }
            Parameter source = from.valueAt(j);
            if (!source.isInitialized()) {
                throw new IllegalStateException(
                        "the gated model has no value for " + ParameterNames.display(name)
                                + "; initialise or load it before compacting");
            }
            if (dataType == null) {
                dataType = source.getArray().getDataType();
            }
            if (!sources.containsKey(to.valueAt(j))) {
                sources.put(to.valueAt(j), new Slice(source, null, 0, 0));
            }
        }
        return dataType;
    }

    /**
     * Initialises the compacted model with the sources as the parameters' initial values, then puts
     * the original initialisers back so the result does not keep the gated model's arrays alive.
     */
    private static void initialiseFrom(
            DeiT compact, Map<Parameter, Initializer> sources, NDManager manager, DataType dataType) {
        Map<Parameter, Initializer> original = new IdentityHashMap<>();
        for (Map.Entry<Parameter, Initializer> e : sources.entrySet()) {
            if (e.getValue() != null) {
                original.put(e.getKey(), e.getKey().getInitializer());
                e.getKey().setInitializer(e.getValue());
            }
        }
        DeiTConfig config = compact.config();
        try {
            compact.initialize(
                    manager,
                    dataType,
                    new Shape(1, config.channels(), config.imageSize(), config.imageSize()));
        } finally {
            for (Map.Entry<Parameter, Initializer> e : original.entrySet()) {
                e.getKey().setInitializer(e.getValue());
            }
        }
    }

    /** A neuron gate of ones for the kept neurons followed by zeros for the padding. */
    private static final class PaddedGate implements Initializer {

        private final int open;

        PaddedGate(int open) {
            this.open = open;
        }

        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray ones = scope.ones(new Shape(open), dataType);
                NDArray gate = ones.concat(scope.zeros(new Shape(shape.get(0) - open), dataType));
                gate.attach(manager);
                return gate;
            }
        }
    }

    private static DeiTConfig configFor(DeiT gated, List<KeptUnits> kept) {
        List<BlockShape> shapes = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            shapes.add(withInputs(gated, i, kept.get(i).shape()));
        }
        return gated.config().withBlocks(shapes).withKeptPositions(keptPositions(gated, keptPatchGate(gated)));
    }

    /**
     * Entries of the patch gate that are not 0 (indices into the gate), or null without a patch gate.
     * Unlike the unit gates, the patch gate may hold any finite value: it scales a token before a
     * LayerNorm, so it cannot be folded into a weight and the compacted model keeps the kept values.
     */
    private static long[] keptPatchGate(DeiT gated) {
        Parameter gate = gated.patchGate().orElse(null);
        if (gate == null) {
            return null;
        }
        if (!gate.isInitialized()) {
            throw new IllegalStateException("patch_gate has no value; initialise or load the model before compacting");
        }
        float[] values = floats(gate.getArray());
        List<Integer> on = new ArrayList<>();
        for (int j = 0; j < values.length; j++) {
            if (!Float.isFinite(values[j])) {
                throw new IllegalArgumentException("patch_gate[" + j + "] is " + values[j] + "; it must be finite");
            }
            if (values[j] != 0f) {
                on.add(j);
            }
        }
        if (on.isEmpty()) {
            throw new IllegalArgumentException(
                    "every patch position is gated off (patch_gate is all 0); a compacted model needs at least one");
        }
        return toLongs(on);
    }

    /** The patch positions the compacted model keeps: the current ones at the gate's kept entries; null if all N. */
    private static List<Integer> keptPositions(DeiT gated, long[] keptGate) {
        DeiTConfig c = gated.config();
        if (keptGate == null) {
            return c.keptPositions();
        }
        return composed(c.keptPositions(), keptGate, c.patches());
    }

    /** A block shape with the model dimensions block i's attention and MLP read after compaction. */
    private static BlockShape withInputs(DeiT gated, int i, BlockShape units) {
        GatedAttention attn = gated.blocks().get(i).attention();
        GatedMlp mlp = gated.blocks().get(i).mlp();
        int width = gated.config().width();
        return new BlockShape(units.heads(), units.hidden(),
                composed(attn.inputs(), keptInputs(attn.inputGate(), i), width),
                composed(mlp.inputs(), keptInputs(mlp.inputGate(), i), width));
    }

    /** The dimensions read after compaction: the current ones at the kept positions; null if that is all D. */
    private static List<Integer> composed(List<Integer> current, long[] keptPositions, int width) {
        if (keptPositions == null) {
            return current;
        }
        List<Integer> out = new ArrayList<>(keptPositions.length);
        for (long p : keptPositions) {
            out.add(current == null ? (int) p : current.get((int) p));
        }
        return current == null && out.size() == width ? null : out;
    }

    /** Positions whose input gate is 1, or null without an input gate. */
    private static long[] keptInputs(Parameter inputGate, int block) {
        if (inputGate == null) {
            return null;
        }
        List<Integer> on = onIndices(inputGate, block, inputGate.getName());
        if (on.isEmpty()) {
            throw new IllegalArgumentException(
                    "block " + block + " has every input dimension of an input_gate gated off; a compacted block needs at"
                            + " least one");
        }
        return toLongs(on);
    }

    /** Indices whose gate is 1, after checking that every entry is exactly 0 or 1. */
    private static List<Integer> onIndices(Parameter gate, int block, String name) {
        if (!gate.isInitialized()) {
            throw new IllegalStateException(
                    "block " + block + " " + name
                            + " has no value; initialise or load the model before compacting");
        }
        float[] values = floats(gate.getArray());
        List<Integer> on = new ArrayList<>();
        for (int j = 0; j < values.length; j++) {
            float v = values[j];
            if (v == 1f) {
                on.add(j);
            } else if (v != 0f) {
                throw new IllegalArgumentException(
                        "block " + block + " " + name + "[" + j + "] is " + v
                                + "; compaction needs every gate to be exactly 0 (pruned) or 1 (kept)");
            }
        }
        return on;
    }

    private static float[] floats(NDArray gate) {
        if (gate.getDataType() == DataType.FLOAT32) {
            return gate.toFloatArray();
        }
        try (NDManager scope = NDManager.subManagerOf(gate)) {
            NDArray copy = gate.toType(DataType.FLOAT32, true);
            copy.attach(scope);
            return copy.toFloatArray();
        }
    }

    /** Rows of q, then k, then v, of each kept head: part·H·d + h·d + (0 … d−1). */
    static long[] qkvRows(List<Integer> heads, int allHeads, int headDim) {
        long[] rows = new long[3 * heads.size() * headDim];
        int n = 0;
        for (int part = 0; part < 3; part++) {
            for (int h : heads) {
                long start = ((long) part * allHeads + h) * headDim;
                for (int j = 0; j < headDim; j++) {
                    rows[n++] = start + j;
                }
            }
        }
        return rows;
    }

    /** Features h·d … (h+1)·d − 1 of each kept head. */
    static long[] headColumns(List<Integer> heads, int headDim) {
        long[] columns = new long[heads.size() * headDim];
        int n = 0;
        for (int h : heads) {
            for (int j = 0; j < headDim; j++) {
                columns[n++] = (long) h * headDim + j;
            }
        }
        return columns;
    }

    private static long[] toLongs(List<Integer> values) {
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static Parameter weight(Linear linear) {
        return linear.getParameters().get("weight");
    }

    private static Parameter bias(Linear linear) {
        return linear.getParameters().get("bias");
    }

    /**
     * An initialiser that returns a copy of a source parameter's value, or of its rows (axis 0) or
     * columns (axis 1) at the given indices, gathered on the source's device and followed by zero
     * rows or columns up to {@code size}.
     */
    private static final class Slice implements Initializer {

        private final Parameter source;
        private final long[] index;
        private final int axis;
        private final int size;
        private final long[] columns;

        Slice(Parameter source, long[] index, int axis, int size) {
            this(source, index, axis, size, null);
        }

        /** As above, after keeping only the given columns (axis 1) when {@code columns} is not null. */
        Slice(Parameter source, long[] index, int axis, int size, long[] columns) {
            this.source = source;
            this.index = index;
            this.axis = axis;
            this.size = size;
            this.columns = columns;
        }

        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            NDArray out;
            NDArray array = source.getArray();
            try (NDManager scope = NDManager.subManagerOf(array)) {
                // Detached first, so the copy is a plain leaf even where grad mode is on.
                NDArray plain = array.stopGradient();
                plain.attach(scope);
                if (columns != null) {
                    plain = plain.get(scope, new NDIndex(":, {}", scope.create(columns)));
                }
                NDArray picked;
                if (index == null) {
                    picked = plain.duplicate();
                    picked.attach(scope);
                } else {
                    NDArray idx = scope.create(index);
                    NDIndex at = axis == 0 ? new NDIndex("{}", idx) : new NDIndex(":, {}", idx);
                    picked = plain.get(scope, at);
                    if (size > index.length) {
                        Shape zeros = picked.getShape();
                        long[] dims = zeros.getShape();
                        dims[axis] = size - index.length;
                        picked = picked.concat(scope.zeros(new Shape(dims), picked.getDataType()), axis);
                    }
                }
                out = picked.toDevice(manager.getDevice(), false);
                out.attach(manager);
            }
            if (!out.getShape().equals(shape) || out.getDataType() != dataType) {
                String got = out.getShape() + " " + out.getDataType();
                out.close();
                throw new IllegalStateException(
                        "compaction produced " + got + " for a parameter of " + shape + " " + dataType);
            }
            return out;
        }
    }
}
