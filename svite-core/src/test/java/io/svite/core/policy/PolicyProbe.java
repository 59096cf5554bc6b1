package io.svite.core.policy;

import io.svite.core.SparseRun;
import io.svite.core.engine.MaskPolicy;
import io.svite.core.structured.UnitEvidence;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Read access to a run's policy internals for tests in other packages (one device: the arrays are the copies). */
public final class PolicyProbe {

    private PolicyProbe() {}

    static <T extends MaskPolicy> T policy(SparseRun run, Class<T> type) {
        return run.policies().stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new AssertionError("the run has no " + type.getSimpleName()));
    }

    /** A pruned tensor's summed scores, or null. */
    public static NDArray scoresOf(SparseRun run, String display) {
        return policy(run, ScheduledPruning.class).scoresOf(display);
    }

    /** Batches summed in a unit group's current score window. */
    public static int windowBatches(SparseRun run, String group) {
        return policy(run, UnitSwaps.class).group(group).windowBatches();
    }

    /** A unit group's evidence now: its window's Taylor mean and its weights' L1 norms, in the scope. */
    public static UnitEvidence evidence(SparseRun run, String group, NDManager scope, Device device) {
        return new GroupEvidence(policy(run, UnitSwaps.class).group(group), scope, device, (p, d) -> p.getArray());
    }
}
