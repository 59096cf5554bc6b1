package io.svite.models.deit;

import io.svite.core.structured.UnitExecution;
import io.svite.core.structured.UnitGroup;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

import java.util.HashMap;
import java.util.Map;

/**
 * DeiT's {@link UnitExecution}: passes the engine's active heads and neurons to the attention and
 * MLP blocks that own the gates, so a step computes only the active units.
 */
final class DeiTExecution implements UnitExecution {

    private final Map<String, GatedAttention> attention = new HashMap<>();
    private final Map<String, GatedMlp> mlps = new HashMap<>();

    /**
     * The execution of one model.
     *
     * @param deit the model whose groups {@link DeiTUnits} declared
     */
    DeiTExecution(DeiT deit) {
        for (DeiTBlock b : deit.blocks()) {
            attention.put(b.attention().headGate().getId(), b.attention());
            mlps.put(b.mlp().neuronGate().getId(), b.mlp());
        }
    }

    @Override
    public void computeOnly(UnitGroup group, Device device, NDArray active, NDArray inactive, boolean scoreInactive) {
        String gate = group.gate().getId();
        if (attention.containsKey(gate)) {
            attention.get(gate).computeOnly(device, active, inactive, scoreInactive);
        } else if (mlps.containsKey(gate)) {
            mlps.get(gate).computeOnly(device, active, inactive, scoreInactive);
        } else {
            throw new IllegalArgumentException("unit group " + group.name() + " is not a head or neuron group of this DeiT");
        }
    }

    @Override
    public void computeAll(UnitGroup group) {
        String gate = group.gate().getId();
        if (attention.containsKey(gate)) {
            attention.get(gate).computeAll();
        } else if (mlps.containsKey(gate)) {
            mlps.get(gate).computeAll();
        } else {
            throw new IllegalArgumentException("unit group " + group.name() + " is not a head or neuron group of this DeiT");
        }
    }
}
