package io.svite.models.deit;

import io.svite.core.structured.StructuredUnits;
import io.svite.core.structured.UnitBudget;
import io.svite.core.structured.UnitCriterion;
import io.svite.core.structured.UnitExecution;
import io.svite.core.structured.UnitFamily;
import io.svite.core.structured.UnitGroup;
import io.svite.core.structured.UnitSlice;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

import java.util.ArrayList;
import java.util.List;

/**
 * DeiT's declaration of its structured units to the core's {@link
 * io.svite.core.SparseTrainer}: one group of attention heads and one group of MLP neurons per
 * block, so that the model classes themselves hold no mask bookkeeping.
 *
 * <p>For block i with H heads of dimension d and M neurons (D the width):
 *
 * <pre>
 *   blockI_attn_heads    gate head_gate (H)
 *       inputs   qkv.weight (3·H·d, D) and qkv.bias (3·H·d), axis 0, 3 parts (q, k, v), width d
 *       outputs  proj.weight (D, H·d), axis 1, width d
 *   blockI_mlp_neurons   gate neuron_gate (M)
 *       inputs   fc1.weight (M, D) and fc1.bias (M), axis 0
 *       outputs  fc2.weight (D, M), axis 1
 * </pre>
 *
 * <p>Heads are pruned by the Taylor score of their gate by default, neurons by ‖W1[j,:]‖₁ +
 * ‖W2[:,j]‖₁, as in S2ViTE; both are grown by the Taylor score. The proj and fc2 biases are shared
 * by all units and belong to no slice.
 */
public final class DeiTUnits implements StructuredUnits {

    /** Attention heads, pruned by the Taylor score |∂L/∂g| by default. */
    public static final UnitFamily HEADS = UnitFamily.of("heads");

    /** MLP hidden neurons, pruned by ‖W1[j,:]‖₁ + ‖W2[:,j]‖₁ by default, as in the paper. */
    public static final UnitFamily NEURONS = UnitFamily.of("neurons", UnitCriterion.weightL1());

    private static final DeiTUnits INSTANCE = new DeiTUnits();

    private DeiTUnits() {}

    /**
     * The declaration to give {@code SparseTrainer.Builder.units(...)}.
     *
     * @return the DeiT declaration
     */
    public static StructuredUnits declaration() {
        return INSTANCE;
    }

    /**
     * The head and neuron groups of every block, in block order (heads before neurons).
     *
     * @param block a {@link DeiT}
     * @return 2 · depth groups
     * @throws IllegalArgumentException if the block is not a DeiT
     */
    @Override
    public List<UnitGroup> groups(Block block) {
        if (!(block instanceof DeiT)) {
            throw new IllegalArgumentException(
                    "DeiTUnits declares the heads and neurons of a DeiT, not of a "
                            + (block == null ? "null block" : block.getClass().getSimpleName()));
        }
        DeiT deit = (DeiT) block;
        List<UnitGroup> groups = new ArrayList<>();
        for (int i = 0; i < deit.blocks().size(); i++) {
            DeiTBlock b = deit.blocks().get(i);
            GatedAttention attn = b.attention();
            int d = attn.headDim();
            groups.add(
                    new UnitGroup(
                            "block" + i + "_attn_heads",
                            HEADS,
                            attn.headGate(),
                            attn.heads(),
                            List.of(new UnitSlice(weight(attn.qkv()), 0, 3, d), new UnitSlice(bias(attn.qkv()), 0, 3, d)),
                            List.of(new UnitSlice(weight(attn.proj()), 1, 1, d))));
            GatedMlp mlp = b.mlp();
            groups.add(
                    new UnitGroup(
                            "block" + i + "_mlp_neurons",
                            NEURONS,
                            mlp.neuronGate(),
                            mlp.hidden(),
                            List.of(UnitSlice.of(weight(mlp.fc1()), 0), UnitSlice.of(bias(mlp.fc1()), 0)),
                            List.of(UnitSlice.of(weight(mlp.fc2()), 1))));
        }
        return groups;
    }

    /**
     * Lets the engine compute only a DeiT's active heads and neurons: the attention blocks gather
     * the qkv rows and proj columns of their active heads, the MLPs the fc1 rows and fc2 columns of
     * their active neurons.
     *
     * @param block a {@link DeiT}
     * @return its execution
     * @throws IllegalArgumentException if the block is not a DeiT
     */
    @Override
    public UnitExecution execution(Block block) {
        if (!(block instanceof DeiT)) {
            throw new IllegalArgumentException(
                    "DeiTUnits computes the heads and neurons of a DeiT, not of a "
                            + (block == null ? "null block" : block.getClass().getSimpleName()));
        }
        return new DeiTExecution((DeiT) block);
    }

    /**
     * The per-block head and neuron counts a budget gives a DeiT, i.e. the architecture of the
     * compacted model, computed on a throw-away instance whose parameters have their shapes but
     * no entries (so it costs nothing even for DeiT-Base).
     *
     * @param config the dense architecture
     * @param budget the structured budget
     * @return one shape per block
     * @throws IllegalArgumentException if the budget leaves a block without a head or neuron
     */
    public static List<BlockShape> blockShapes(DeiTConfig config, UnitBudget budget) {
        DeiT probe = DeiT.of(config);
        probe.setInitializer((m, shape, type) -> m.zeros(new Shape(0), type), p -> true);
        try (NDManager manager = NDManager.newBaseManager()) {
            probe.initialize(
                    manager, DataType.FLOAT32, new Shape(1, config.channels(), config.imageSize(), config.imageSize()));
            List<UnitGroup> groups = INSTANCE.groups(probe);
            int[] counts = budget.counts(groups);
            List<BlockShape> shapes = new ArrayList<>();
            for (int i = 0; i < config.depth(); i++) {
                shapes.add(new BlockShape(counts[2 * i], counts[2 * i + 1]));
            }
            return shapes;
        }
    }

    private static Parameter weight(Linear linear) {
        return linear.getParameters().get("weight");
    }

    private static Parameter bias(Linear linear) {
        return linear.getParameters().get("bias");
    }

    @Override
    public String toString() {
        return "DeiT heads and neurons";
    }
}
