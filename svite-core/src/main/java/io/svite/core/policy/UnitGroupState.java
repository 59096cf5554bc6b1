package io.svite.core.policy;

import io.svite.core.checkpoint.StateFile;
import io.svite.core.engine.MaskPolicy;
import io.svite.core.ndarray.Tensors;
import io.svite.core.report.UnitGroupReport;
import io.svite.core.structured.UnitCriterion;
import io.svite.core.structured.UnitGroup;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The state of one unit group in a structured run: its target active count, criteria, and the
 * arrays the engine keeps on the first training device — the Taylor score sum of the current
 * window, the initial and ever-active sets (booleans) and the number of units grown so far.
 *
 * <p>The active set itself is the gate: the gate's copy on the first device is the mask every
 * rewrite starts from, so the two cannot disagree.
 */
final class UnitGroupState {

    final UnitGroup group;
    final int active;
    final UnitCriterion prune;
    final UnitCriterion grow;

    private NDArray taylorSum;
    private int batches;
    private NDArray initial;
    private NDArray ever;
    private NDArray grown;

    UnitGroupState(UnitGroup group, int active, UnitCriterion prune, UnitCriterion grow) {
        this.group = group;
        this.active = active;
        this.prune = prune;
        this.grow = grow;
    }

    String name() {
        return group.name();
    }

    int units() {
        return group.units();
    }

    /** A group whose every unit is active is left alone. */
    boolean dense() {
        return active == group.units();
    }

    /** Creates the persistent arrays in {@code manager} from the initial 0/1 active set. */
    void install(float[] initialMask, NDManager manager) {
        Shape shape = new Shape(group.units());
        taylorSum = manager.zeros(shape, DataType.FLOAT32);
        NDArray values = manager.create(initialMask, shape);
        initial = values.toType(DataType.BOOLEAN, false);
        ever = initial.duplicate();
        values.close();
        grown = manager.zeros(new Shape(), DataType.FLOAT32);
    }

    /**
     * Creates the persistent arrays from a checkpoint instead: the score window's sum and batch
     * count, the initial and ever-active sets and the grown count, each copied into {@code
     * manager} (the checkpoint's arrays stay with their owner).
     */
    void restore(NDArray taylorSum, int batches, NDArray initial, NDArray ever, NDArray grown, NDManager manager) {
        Shape shape = new Shape(group.units());
        for (NDArray a : new NDArray[] {taylorSum, initial, ever}) {
            if (!a.getShape().equals(shape)) {
                throw new IllegalArgumentException(
                        "unit group " + group.name() + " has " + group.units() + " units but the checkpoint holds "
                                + a.getName() + " of shape " + a.getShape());
            }
        }
        this.taylorSum = onto(taylorSum.toType(DataType.FLOAT32, false), manager);
        this.batches = batches;
        this.initial = onto(initial.toType(DataType.BOOLEAN, false), manager);
        this.ever = onto(ever.toType(DataType.BOOLEAN, false), manager);
        this.grown = onto(grown.toType(DataType.FLOAT32, false).reshape(new Shape()), manager);
    }

    private static NDArray onto(NDArray a, NDManager manager) {
        NDArray copy = StateFile.ownCopy(a, manager.getDevice());
        copy.attach(manager);
        return copy;
    }

    /** The score window's running sum (for checkpoints). */
    NDArray taylorSum() {
        return taylorSum;
    }

    /** Adds one batch's |∂L/∂g| (summed over devices, on the first device) to the window. */
    void accumulate(NDArray absGateGradient) {
        taylorSum.addi(absGateGradient);
        batches++;
    }

    /** The window's mean |∂L/∂g| (the current batch's alone if nothing was accumulated), in {@code scope}. */
    NDArray taylorMean(NDManager scope) {
        NDArray mean = taylorSum.div((float) Math.max(1, batches));
        mean.attach(scope);
        return mean;
    }

    int windowBatches() {
        return batches;
    }

    /** Records an update's outcome and starts a new score window. */
    void updated(NDArray newMask, NDArray grownNow, NDManager scope) {
        NDArray on = newMask.toType(DataType.BOOLEAN, false);
        on.attach(scope);
        NDArray merged = ever.logicalOr(on);
        merged.attach(ever.getManager());
        ever.close();
        ever = merged;
        NDArray count = grownNow.sum();
        count.attach(scope);
        grown.addi(count);
        taylorSum.muli(0f);
        batches = 0;
    }

    NDArray initial() {
        return initial;
    }

    NDArray ever() {
        return ever;
    }

    NDArray grown() {
        return grown;
    }

    /**
     * The group's line of a unit report.
     *
     * @param gate the gate's copy on the first device
     * @param manager a manager on that device for temporaries
     * @return the report (reads counts from the device)
     */
    UnitGroupReport report(NDArray gate, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray on = gate.gt(0.5f);
            on.attach(scope);
            NDArray onHere = Tensors.onDevice(on, initial.getDevice(), scope);
            NDArray notInitially = initial.logicalNot();
            notInitially.attach(scope);
            NDArray fresh = onHere.logicalAnd(notInitially);
            fresh.attach(scope);
            NDArray everOrNow = ever.logicalOr(Tensors.onDevice(on, ever.getDevice(), scope));
            everOrNow.attach(scope);
            int activeNow = (int) Tensors.nonZeros(on);
            int everCount = (int) Tensors.nonZeros(everOrNow);
            int changed = (int) Tensors.nonZeros(fresh);
            NDArray grownCount = grown.toType(DataType.FLOAT32, true);
            grownCount.attach(scope);
            return new UnitGroupReport(name(), group.family().name(), units(), activeNow, everCount, changed,
                    Math.round(grownCount.getFloat()));
        }
    }

    /**
     * Writes every group's window, sets and grown count (the active sets are the gates, which the
     * weights carry).
     *
     * @param groups the groups
     * @param header receives a {@code groups} array of names and counts
     * @param arrays receives {@code taylor:}, {@code initial:}, {@code ever:}, {@code grown:} per group
     * @param host the owner of the host copies
     */
    static void saveAll(List<UnitGroupState> groups, JsonObject header, NDList arrays, NDManager host) {
        JsonArray entries = new JsonArray();
        for (UnitGroupState s : groups) {
            JsonObject e = new JsonObject();
            e.addProperty("name", s.name());
            e.addProperty("units", s.units());
            e.addProperty("active", s.active);
            e.addProperty("windowBatches", s.windowBatches());
            entries.add(e);
            arrays.add(StateFile.hostCopy(s.taylorSum(), "taylor:" + s.name(), host));
            arrays.add(StateFile.hostCopy(s.initial(), "initial:" + s.name(), host));
            arrays.add(StateFile.hostCopy(s.ever(), "ever:" + s.name(), host));
            arrays.add(StateFile.hostCopy(s.grown(), "grown:" + s.name(), host));
        }
        header.add("groups", entries);
    }

    /**
     * Restores every group from what {@link #saveAll} wrote.
     *
     * @param groups the groups of this run, in the model's order
     * @param saved the policy's saved state
     * @param manager the owner of the restored arrays
     * @throws IllegalArgumentException if the checkpoint's groups or budget differ
     */
    static void restoreAll(List<UnitGroupState> groups, MaskPolicy.Saved saved, NDManager manager) {
        JsonArray entries = saved.header().getAsJsonArray("groups");
        if (entries == null || entries.size() != groups.size()) {
            throw new IllegalArgumentException(
                    "structured checkpoint " + saved.file() + " does not match this model: it has "
                            + (entries == null ? 0 : entries.size()) + " unit groups, the model " + groups.size());
        }
        for (int i = 0; i < groups.size(); i++) {
            UnitGroupState s = groups.get(i);
            JsonObject e = entries.get(i).getAsJsonObject();
            String name = e.get("name").getAsString();
            if (!name.equals(s.name()) || e.get("units").getAsInt() != s.units() || e.get("active").getAsInt() != s.active) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "structured checkpoint %s does not match this model and budget: its group %d is %s with %d"
                                + " of %d units active, here %s with %d of %d (was it saved with another budget?)",
                        saved.file(), i, name, e.get("active").getAsInt(), e.get("units").getAsInt(), s.name(),
                        s.active, s.units()));
            }
            s.restore(
                    saved.require("taylor:" + name),
                    e.get("windowBatches").getAsInt(),
                    saved.require("initial:" + name),
                    saved.require("ever:" + name),
                    saved.require("grown:" + name),
                    manager);
        }
    }

    /** Per family: active of all units in how many groups, for the log. */
    static String familySummary(List<UnitGroupState> groups) {
        Map<String, int[]> sums = new LinkedHashMap<>();
        for (UnitGroupState s : groups) {
            int[] c = sums.computeIfAbsent(s.group.family().name(), k -> new int[3]);
            c[0]++;
            c[1] += s.active;
            c[2] += s.units();
        }
        StringBuilder sb = new StringBuilder();
        sums.forEach((f, c) -> sb.append(sb.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %d of %d in %d groups", f, c[1], c[2], c[0])));
        return sb.toString();
    }

    /** The prune or grow criterion of each family, for the log. */
    static String criteria(List<UnitGroupState> groups, boolean prune) {
        Map<String, String> out = new LinkedHashMap<>();
        for (UnitGroupState s : groups) {
            out.putIfAbsent(s.group.family().name(), (prune ? s.prune : s.grow).toString());
        }
        return out.toString();
    }
}
