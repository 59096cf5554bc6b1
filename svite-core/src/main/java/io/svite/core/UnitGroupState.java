package io.svite.core;

import io.svite.core.checkpoint.StateFile;
import io.svite.core.structured.UnitCriterion;
import io.svite.core.structured.UnitGroup;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

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
}
