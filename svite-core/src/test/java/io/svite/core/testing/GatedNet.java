package io.svite.core.testing;

import io.svite.core.structured.StructuredUnits;
import io.svite.core.structured.UnitCriterion;
import io.svite.core.structured.UnitFamily;
import io.svite.core.structured.UnitGroup;
import io.svite.core.structured.UnitSlice;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

import java.util.List;

/**
 * A small network with two kinds of gated units, for engine tests without any transformer: the
 * core is shown to be model-agnostic.
 *
 * <pre>
 *   x (B, 16)
 *   h = mix(x)                        (B, 24) = 2 parts × 4 "heads" × width 3
 *   u_k = tanh(h[part 0, k]) ⊙ h[part 1, k]     (B, 4, 3), times head gate g_k
 *   y = x + proj(flatten(g ⊙ u))      (B, 16)
 *   logits = fc2(n ⊙ gelu(fc1(y)))    fc1 16 → 32 "neurons", neuron gate n (32), fc2 32 → 4
 * </pre>
 */
public final class GatedNet extends AbstractBlock {

    public static final UnitFamily HEADS = UnitFamily.of("heads");
    public static final UnitFamily NEURONS = UnitFamily.of("neurons", UnitCriterion.weightL1());
    public static final int HEAD_UNITS = 4;
    public static final int WIDTH = 3;
    public static final int NEURON_UNITS = 32;
    public static final Shape INPUT = new Shape(1, Mlp.IN);

    public final Linear mix;
    public final Linear proj;
    public final Linear fc1;
    public final Linear fc2;
    public final Parameter headGate;
    public final Parameter neuronGate;

    public GatedNet() {
        super((byte) 1);
        mix = addChildBlock("mix", Linear.builder().setUnits(2L * HEAD_UNITS * WIDTH).build());
        proj = addChildBlock("proj", Linear.builder().setUnits(Mlp.IN).build());
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(NEURON_UNITS).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(Mlp.CLASSES).build());
        headGate = addParameter(gate("head_gate", HEAD_UNITS));
        neuronGate = addParameter(gate("neuron_gate", NEURON_UNITS));
    }

    public static Parameter gate(String name, int units) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(units))
                .optInitializer(new ConstantInitializer(1f))
                .optRequiresGrad(false)
                .build();
    }

    public static Model model() {
        Model model = Model.newInstance("gated-net");
        model.setBlock(new GatedNet());
        return model;
    }

    /** The declaration of this network's two unit groups. */
    public static StructuredUnits declaration() {
        return block -> {
            GatedNet net = (GatedNet) block;
            return List.of(
                    new UnitGroup(
                            "mix_heads",
                            HEADS,
                            net.headGate,
                            HEAD_UNITS,
                            List.of(new UnitSlice(weight(net.mix), 0, 2, WIDTH), new UnitSlice(bias(net.mix), 0, 2, WIDTH)),
                            List.of(new UnitSlice(weight(net.proj), 1, 1, WIDTH))),
                    new UnitGroup(
                            "mlp_neurons",
                            NEURONS,
                            net.neuronGate,
                            NEURON_UNITS,
                            List.of(UnitSlice.of(weight(net.fc1), 0), UnitSlice.of(bias(net.fc1), 0)),
                            List.of(UnitSlice.of(weight(net.fc2), 1))));
        };
    }

    public static Parameter weight(Block linear) {
        return linear.getParameters().get("weight");
    }

    public static Parameter bias(Block linear) {
        return linear.getParameters().get("bias");
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long b = x.getShape().get(0);
        NDArray h = mix.forward(ps, new NDList(x), training).head().reshape(b, 2, HEAD_UNITS, WIDTH);
        NDArray u = h.get(":, 0").tanh().mul(h.get(":, 1"));
        NDArray g = ps.getValue(headGate, x.getDevice(), training).reshape(HEAD_UNITS, 1);
        g.attach(u.getManager());
        NDArray merged = u.mul(g).reshape(b, (long) HEAD_UNITS * WIDTH);
        NDArray y = x.add(proj.forward(ps, new NDList(merged), training).head());
        NDArray hidden = Activation.gelu(fc1.forward(ps, new NDList(y), training).head());
        NDArray n = ps.getValue(neuronGate, x.getDevice(), training);
        return fc2.forward(ps, new NDList(hidden.mul(n)), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), Mlp.CLASSES)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        long b = in.get(0);
        mix.initialize(manager, dataType, in);
        proj.initialize(manager, dataType, new Shape(b, (long) HEAD_UNITS * WIDTH));
        fc1.initialize(manager, dataType, in);
        fc2.initialize(manager, dataType, new Shape(b, NEURON_UNITS));
    }
}
