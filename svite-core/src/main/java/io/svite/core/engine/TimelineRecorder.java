package io.svite.core.engine;

import io.svite.core.ndarray.Tensors;
import io.svite.core.report.Timeline;
import io.svite.core.report.UnitGroupReport;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Records a run's {@link Timeline}: an entry for the state training begins with (unless a
 * checkpoint's timeline continues) and one after every update. Per entry it reads back, in one host
 * copy, three int64 counts per masked tensor (the change counters {@link
 * MaskedTensor#changeCounts} and the ever-active count), and each unit group's gate (a few hundred
 * floats); nothing per step.
 *
 * <p>The policies bind inside {@code trainer.initialize}, while the last parameter's array is still
 * being made, so the first entry is taken at the first safe point after binding: the first training
 * batch (before any policy runs), a checkpoint, a report or the end of training. Masks and gates
 * change only at updates, so that is still the state training begins with.
 */
final class TimelineRecorder {

    private Timeline staged;
    private List<Timeline.Tensor> tensors = List.of();
    private List<Timeline.Group> groups = List.of();
    private final List<Timeline.Update> updates = new ArrayList<>();
    private boolean complete = true;
    private long[] lastPruned = new long[0];
    private long[] lastGrown = new long[0];
    private boolean started;
    private boolean pending;
    private boolean resumed;
    private long bindStep;

    /**
     * Stages a checkpoint's timeline, to continue when the policies bind.
     *
     * @param timeline the timeline the checkpoint holds, or null if it holds none (the resumed
     *     timeline then starts at the resume and is marked incomplete)
     */
    void stage(Timeline timeline) {
        staged = timeline;
    }

    /**
     * Notes that the policies are bound; the first entry follows at {@link #startIfPending}.
     *
     * @param step the steps done (0, or the checkpoint's)
     * @param fromCheckpoint whether the policies were restored from a checkpoint
     */
    void bound(long step, boolean fromCheckpoint) {
        pending = true;
        bindStep = step;
        resumed = fromCheckpoint;
    }

    /**
     * Takes the first entry (or continues a checkpoint's timeline) if the policies are bound and
     * it was not taken yet: the tensors and groups are fixed from here on.
     *
     * @param ctx the engine
     * @param policies the policies, in order
     * @throws IllegalArgumentException if a staged timeline names other tensors or groups than the run
     */
    void startIfPending(EngineContext ctx, List<MaskPolicy> policies) {
        if (pending) {
            pending = false;
            start(ctx, policies, bindStep);
        }
    }

    private void start(EngineContext ctx, List<MaskPolicy> policies, long step) {
        List<Timeline.Tensor> ts = new ArrayList<>();
        for (MaskPolicy p : policies) {
            for (MaskedTensor t : p.tensors()) {
                ts.add(new Timeline.Tensor(t.display(), t.report().name(), t.size()));
            }
        }
        List<Timeline.Group> gs = new ArrayList<>();
        for (MaskPolicy p : policies) {
            for (UnitGroupReport g : p.groups(ctx)) {
                gs.add(new Timeline.Group(g.name(), g.family(), g.units()));
            }
        }
        tensors = List.copyOf(ts);
        groups = List.copyOf(gs);
        lastPruned = new long[tensors.size()];
        lastGrown = new long[tensors.size()];
        updates.clear();
        started = true;
        if (resumed && staged != null) { // a checkpoint's timeline continues
            if (!staged.tensors().equals(tensors) || !staged.groups().equals(groups)) {
                throw new IllegalArgumentException(
                        "the checkpoint's timeline records the tensors " + names(staged.tensors(), true) + " and unit groups "
                                + names(staged.groups(), false) + ", but this run has " + names(tensors, true) + " and "
                                + names(groups, false));
            }
            updates.addAll(staged.updates());
            complete = staged.complete();
            readCounts(ctx, policies); // the counters restart at 0 with the restored masks: a new baseline
        } else {
            complete = !resumed; // a resumed run whose checkpoint had no timeline lacks the updates before it
            record(ctx, policies, step);
        }
        staged = null;
    }

    /**
     * Records the state after an update.
     *
     * @param ctx the engine
     * @param policies the policies, in order
     * @param step the step the update came before
     */
    void record(EngineContext ctx, List<MaskPolicy> policies, long step) {
        long[][] counts = readCounts(ctx, policies);
        List<Timeline.TensorCounts> tc = new ArrayList<>();
        int i = 0;
        for (MaskPolicy p : policies) {
            for (MaskedTensor t : p.tensors()) {
                tc.add(new Timeline.TensorCounts(t.active(), counts[0][i], counts[1][i], counts[2][i]));
                i++;
            }
        }
        List<BitSet> units = new ArrayList<>();
        for (MaskPolicy p : policies) {
            for (Map.Entry<String, List<Integer>> e : p.activeUnits(ctx).entrySet()) {
                BitSet set = new BitSet();
                e.getValue().forEach(set::set);
                units.add(set);
            }
        }
        updates.add(new Timeline.Update(step, tc, units));
    }

    /**
     * Reads every tensor's change counters and ever-active count in one host copy, and returns the
     * pruned and grown counts since the last read with the ever-active counts.
     */
    private long[][] readCounts(EngineContext ctx, List<MaskPolicy> policies) {
        List<MaskedTensor> all = new ArrayList<>();
        policies.forEach(p -> all.addAll(p.tensors()));
        long[][] out = new long[3][all.size()];
        if (all.isEmpty()) {
            return out;
        }
        Device first = ctx.devices().get(0);
        long[] read;
        try (NDManager scope = ctx.managerFor(first).newSubManager()) {
            NDList parts = new NDList();
            for (MaskedTensor t : all) {
                NDArray changes = t.changeCounts();
                NDArray ever = t.everActive();
                if (changes == null && ever == null) {
                    continue; // unmasked: nothing on the device to read
                }
                // every temporary goes to the scope: an op's result lands in its receiver's manager
                parts.add(onFirst(changes == null
                        ? scope.zeros(new Shape(2), DataType.INT64, first)
                        : Tensors.scoped(scope, changes.duplicate()), first, scope));
                NDArray everCount = ever == null
                        ? scope.create(new long[] {t.size()})
                        : Tensors.scoped(scope, Tensors.scoped(scope, ever.countNonzero()).reshape(1).toType(DataType.INT64, false));
                parts.add(onFirst(everCount, first, scope));
            }
            read = parts.isEmpty() ? new long[0] : Tensors.scoped(scope, NDArrays.concat(parts)).toLongArray();
        }
        int at = 0;
        for (int i = 0; i < all.size(); i++) {
            MaskedTensor t = all.get(i);
            if (t.changeCounts() == null && t.everActive() == null) {
                out[0][i] = 0;
                out[1][i] = 0;
                out[2][i] = t.size();
                continue;
            }
            long pruned = read[at];
            long grown = read[at + 1];
            out[0][i] = pruned - lastPruned[i];
            out[1][i] = grown - lastGrown[i];
            out[2][i] = read[at + 2];
            lastPruned[i] = pruned;
            lastGrown[i] = grown;
            at += 3;
        }
        return out;
    }

    /** A scoped array on the first device: itself, or a copy owned by the scope. */
    private static NDArray onFirst(NDArray a, Device first, NDManager scope) {
        return Tensors.onDevice(a, first, scope);
    }

    /**
     * The timeline so far.
     *
     * @return the timeline (empty before the policies bound)
     */
    Timeline timeline() {
        if (!started) {
            return Timeline.empty();
        }
        return new Timeline(tensors, groups, updates, complete);
    }

    private static String names(List<?> items, boolean tensors) {
        List<String> out = new ArrayList<>();
        for (Object o : items) {
            out.add(tensors ? ((Timeline.Tensor) o).name() : ((Timeline.Group) o).name());
        }
        return out.toString();
    }
}
