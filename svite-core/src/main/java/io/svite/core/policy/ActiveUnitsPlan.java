package io.svite.core.policy;

import io.svite.core.engine.PolicyContext;
import io.svite.core.structured.UnitExecution;
import io.svite.core.structured.UnitGroup;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a model's {@link UnitExecution} in step with S2ViTE's gates and score windows: between
 * updates the model computes only the active units of every group; in the passes whose gate
 * gradients score the inactive units for growing it computes those too; after training, every
 * unit again, gated.
 *
 * <p>The index arrays (active and inactive units, int64 on each device) are read from the gates
 * only when the gates or the kind of pass change — at binding, at updates and at the edges of
 * score windows — never per step. Each group and device owns one sub-manager of the engine's;
 * the model may attach what it derives from the indices to it, and it is closed when the indices
 * are replaced, so the number of live arrays stays constant across steps.
 */
final class ActiveUnitsPlan {

    private final UnitExecution execution;
    private final Map<String, NDManager> scopes = new HashMap<>();
    private Boolean scoring;

    /**
     * A plan for one model.
     *
     * @param execution the model's execution
     */
    ActiveUnitsPlan(UnitExecution execution) {
        this.execution = execution;
    }

    /**
     * Tells the model what the coming passes compute.
     *
     * @param ctx the engine
     * @param groups the groups' states (dense groups are left at full width)
     * @param scoreInactive whether the coming passes score the inactive units
     * @param gatesChanged whether the gates changed since the last plan
     */
    void plan(PolicyContext ctx, List<UnitGroupState> groups, boolean scoreInactive, boolean gatesChanged) {
        if (!gatesChanged && scoring != null && scoring == scoreInactive) {
            return;
        }
        for (UnitGroupState s : groups) {
            if (s.dense()) {
                continue;
            }
            UnitGroup g = s.group;
            for (Device d : ctx.devices()) {
                NDManager scope = ctx.managerFor(d).newSubManager(d);
                NDArray gate = ctx.copyOn(g.gate(), d);
                if (gate == null) {
                    gate = ctx.arrayOf(g.gate());
                }
                NDArray active;
                NDArray inactive;
                try (NDManager tmp = gate.getManager().newSubManager()) {
                    NDArray on = gate.gt(0.5f);
                    on.attach(tmp);
                    active = indices(on, d, scope, tmp);
                    NDArray off = on.logicalNot();
                    off.attach(tmp);
                    inactive = indices(off, d, scope, tmp);
                }
                execution.computeOnly(g, d, active, inactive, scoreInactive);
                NDManager old = scopes.put(g.name() + "@" + d, scope);
                if (old != null) {
                    old.close();
                }
            }
        }
        scoring = scoreInactive;
    }

    /** The increasing indices of a boolean vector's true entries, int64 on the device, owned by the scope. */
    private static NDArray indices(NDArray flags, Device device, NDManager scope, NDManager tmp) {
        NDArray nonzero = flags.nonzero();
        nonzero.attach(tmp);
        NDArray flat = nonzero.reshape(-1).toType(DataType.INT64, false);
        flat.attach(tmp);
        NDArray out = flat.toDevice(device, true);
        out.attach(scope);
        return out;
    }

    /**
     * Sets every group back to full width and frees the indices.
     *
     * @param groups the groups' states
     */
    void release(List<UnitGroupState> groups) {
        for (UnitGroupState s : groups) {
            execution.computeAll(s.group);
        }
        scopes.values().forEach(NDManager::close);
        scopes.clear();
        scoring = null;
    }
}
