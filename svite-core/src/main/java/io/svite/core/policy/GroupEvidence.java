package io.svite.core.policy;

import io.svite.core.structured.UnitEvidence;
import io.svite.core.structured.UnitGroup;
import io.svite.core.structured.UnitSlice;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import java.util.List;
import java.util.function.BiFunction;

/**
 * The {@link UnitEvidence} of one group at one update, computed lazily on the first training
 * device, every array in the update's scope.
 */
final class GroupEvidence implements UnitEvidence {

    private final UnitGroupState state;
    private final NDManager scope;
    private final Device device;
    private final BiFunction<Parameter, Device, NDArray> copies;
    private NDArray taylor;
    private NDArray weightL1;

    GroupEvidence(UnitGroupState state, NDManager scope, Device device, BiFunction<Parameter, Device, NDArray> copies) {
        this.state = state;
        this.scope = scope;
        this.device = device;
        this.copies = copies;
    }

    @Override
    public UnitGroup group() {
        return state.group;
    }

    @Override
    public NDArray taylor() {
        if (taylor == null) {
            taylor = state.taylorMean(scope);
        }
        return taylor;
    }

    @Override
    public NDArray weightL1() {
        if (weightL1 == null) {
            UnitGroup g = state.group;
            NDArray sum = scope.zeros(new ai.djl.ndarray.types.Shape(g.units()), ai.djl.ndarray.types.DataType.FLOAT32, device);
            for (List<UnitSlice> slices : List.of(g.inputs(), g.outputs())) {
                for (UnitSlice s : slices) {
                    if (s.parameter().getType() != Parameter.Type.WEIGHT) {
                        continue;
                    }
                    NDArray w = copies.apply(s.parameter(), device);
                    if (w.getShape().dimension() < 2) {
                        continue;
                    }
                    sum = sum.add(s.unitL1(w, g.units(), scope).toType(sum.getDataType(), false));
                }
            }
            weightL1 = sum;
        }
        return weightL1;
    }

    @Override
    public NDManager scope() {
        return scope;
    }
}
