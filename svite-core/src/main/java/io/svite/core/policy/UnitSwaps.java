package io.svite.core.policy;

import io.svite.core.engine.MaskPolicy;
import io.svite.core.engine.MaskedTensor;
import io.svite.core.engine.PolicyContext;
import io.svite.core.ndarray.Tensors;
import io.svite.core.report.UnitGroupReport;
import io.svite.core.schedule.UpdateSchedule;
import io.svite.core.structured.UnitCriterion;
import io.svite.core.structured.UnitEvidence;
import io.svite.core.structured.UnitExecution;
import io.svite.core.structured.UnitGroup;
import io.svite.core.structured.UnitSlice;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * S2ViTE's structured dynamic sparsity: every unit group a model declares keeps exactly its
 * budget's number of active units, the first ones drawn from the seed; on update steps r = ⌈α_t ·
 * active⌉ active units with the lowest prune score are switched off, then the r inactive units with
 * the highest grow score (by default the Taylor score |∂L/∂g| averaged over a window of batches)
 * are switched on, their output slices set to exactly 0 so the function does not jump.
 *
 * <p>The active set is the gate: gates are unfrozen while training (so they get the gradient that
 * scores units), never updated by an optimizer, frozen again at the end, and exactly 0 or 1.
 *
 * <p>When the model can compute only its active units ({@link UnitExecution}) and the recipe does
 * not ask for {@code gatedUnits()}, a step between score windows computes the active units alone;
 * the steps of a score window also compute the inactive ones, whose gate gradients are their grow
 * scores. Masks and weights are those of the gated run, up to the order of floating-point sums.
 */
public final class UnitSwaps implements MaskPolicy {

    private static final Logger logger = LoggerFactory.getLogger(UnitSwaps.class);

    private final UnitSettings settings;
    private final UpdateSchedule schedule;
    private List<UnitGroup> declared = List.of();
    private final List<UnitGroupState> groups = new ArrayList<>();
    private ActiveUnitsPlan plan;

    /**
     * The policy of one run.
     *
     * @param settings the units, their budget and criteria
     * @param schedule when to update and how many
     */
    public UnitSwaps(UnitSettings settings, UpdateSchedule schedule) {
        this.settings = settings;
        this.schedule = schedule;
    }

    @Override
    public String name() {
        return "s2vite";
    }

    @Override
    public void begin(PolicyContext ctx) {
        declared = settings.declared(ctx.block());
        UnitExecution execution =
                settings.gated() ? null : settings.units().execution(ctx.block());
        plan = execution == null ? null : new ActiveUnitsPlan(execution);
        try {
            settings.budget().counts(declared); // fails early for a budget that needs no shapes
        } catch (IllegalStateException shapesNotKnownYet) {
            // the Erdős–Rényi budget needs the weights' shapes: checked when the arrays exist
        }
        for (UnitGroup g : declared) {
            ctx.claimGate(g.gate());
            for (List<UnitSlice> slices : List.of(g.inputs(), g.outputs())) {
                slices.forEach(s -> ctx.watch(s.parameter()));
            }
        }
        // gates take part in autograd from here on: trainer.initialize gives every copy a gradient
        declared.forEach(g -> g.gate().freeze(false));
    }

    @Override
    public boolean bind(PolicyContext ctx, Saved restored) {
        for (UnitGroup g : declared) {
            Shape gateShape = ctx.arrayOf(g.gate()).getShape();
            if (!gateShape.equals(new Shape(g.units()))) {
                throw new IllegalArgumentException(
                        "unit group " + g.name() + " declares " + g.units() + " units but its gate "
                                + g.gate().getName() + " has shape " + gateShape);
            }
            for (List<UnitSlice> slices : List.of(g.inputs(), g.outputs())) {
                for (UnitSlice s : slices) {
                    s.check(ctx.arrayOf(s.parameter()).getShape(), g.units(), g.name());
                }
            }
        }
        int[] counts = settings.budget().counts(declared);
        NDManager state = ctx.managerFor(ctx.devices().get(0));
        for (int i = 0; i < declared.size(); i++) {
            UnitGroup g = declared.get(i);
            UnitGroupState s = new UnitGroupState(g, counts[i], settings.prune(g.family()), settings.grow(g.family()));
            if (restored == null) {
                s.install(StartingSets.of(g, ctx.arrayOf(g.gate()), counts[i], settings.seed(), state), state);
            }
            groups.add(s);
        }
        if (restored != null) {
            UnitGroupState.restoreAll(groups, restored, state);
        }
        if (plan != null) {
            plan.plan(ctx, groups, inScoreWindow(ctx.stepsDone() + 1), true);
        }
        if (logger.isInfoEnabled()) {
            logger.info(
                    String.format(
                            Locale.ROOT,
                            "S2ViTE: %d unit groups under %s (%s), %s, prune %s, grow %s, score window %d, seed %d, %s",
                            groups.size(),
                            settings.budget(),
                            UnitGroupState.familySummary(groups),
                            schedule,
                            UnitGroupState.criteria(groups, true),
                            UnitGroupState.criteria(groups, false),
                            settings.scoreWindow(),
                            settings.seed(),
                            plan != null
                                    ? "computing only the active units between score windows"
                                    : "closed units gated at full width"));
        }
        return false;
    }

    @Override
    public boolean beforeStep(PolicyContext ctx, long step) {
        if (inScoreWindow(step)) {
            accumulate(ctx);
        }
        boolean changed = schedule.isUpdateStep(step) && rewrite(ctx, step);
        if (plan != null) {
            plan.plan(ctx, groups, inScoreWindow(step + 1), changed);
        }
        return changed;
    }

    /** Whether an update happens within the window that ends at or after step t. */
    private boolean inScoreWindow(long t) {
        for (int k = 0; k < settings.scoreWindow(); k++) {
            if (schedule.isUpdateStep(t + k)) {
                return true;
            }
        }
        return false;
    }

    private void accumulate(PolicyContext ctx) {
        try (NDManager scope = ctx.managerFor(ctx.devices().get(0)).newSubManager()) {
            for (UnitGroupState s : groups) {
                if (s.dense()) {
                    continue;
                }
                NDArray sum = ctx.gradientSum(s.group.gate(), scope);
                if (sum != null) {
                    s.accumulate(sum.abs());
                }
            }
        }
    }

    private boolean rewrite(PolicyContext ctx, long step) {
        for (UnitGroupState s : groups) {
            if (s.dense()) {
                continue;
            }
            for (Device d : ctx.devices()) {
                for (Parameter p : parametersOf(s.group)) {
                    if (ctx.copyOn(p, d) == null) {
                        logger.warn(
                                "structured update at step {} skipped: the copy of {} on {} has not been seen yet",
                                step, p.getName(), d);
                        return false;
                    }
                }
            }
        }
        double alpha = schedule.pruneFraction(step);
        long replaced = 0;
        for (UnitGroupState s : groups) {
            if (s.dense()) {
                continue;
            }
            long r = Math.min(s.active, (long) Math.ceil(alpha * s.active));
            if (!settings.regrowPruned()) {
                r = Math.min(r, s.units() - s.active);
            }
            if (r <= 0) {
                continue;
            }
            replaced += r;
            try (NDManager scope = ctx.managerFor(ctx.devices().get(0)).newSubManager()) {
                rewriteGroup(ctx, s, r, scope);
            }
        }
        logger.debug("structured update at step {}: α {}, {} units replaced", step, alpha, replaced);
        return true;
    }

    private void rewriteGroup(PolicyContext ctx, UnitGroupState s, long r, NDManager scope) {
        Device first = ctx.devices().get(0);
        UnitGroup g = s.group;
        NDArray mask = ctx.copyOn(g.gate(), first);
        GroupEvidence evidence = new GroupEvidence(s, scope, first, ctx::copyOn);
        NDArray pruneScore = checkedScore(s.prune, evidence, "prune");
        NDArray growScore = checkedScore(s.grow, evidence, "grow");
        MaskRewrite.Outcome o = MaskRewrite.rewrite(scope, mask, pruneScore, growScore, r, !settings.regrowPruned());
        if (logger.isTraceEnabled()) { // host copies, only when tracing
            logger.trace(
                    "{}: active {} prune {} grow {} -> {}",
                    g.name(),
                    java.util.Arrays.toString(mask.toFloatArray()),
                    java.util.Arrays.toString(pruneScore.toFloatArray()),
                    java.util.Arrays.toString(growScore.toFloatArray()),
                    java.util.Arrays.toString(o.mask().toFloatArray()));
        }
        for (Device d : ctx.devices()) {
            ctx.copyOn(g.gate(), d).muli(Tensors.onDevice(o.kept(), d, scope)).addi(Tensors.onDevice(o.grown(), d, scope));
        }
        NDArray notGrown = o.grown().neg().add(1f);
        for (UnitSlice out : g.outputs()) {
            for (Device d : ctx.devices()) {
                NDArray w = ctx.copyOn(out.parameter(), d);
                NDArray keep = broadcastable(notGrown, out, w.getShape(), g.units()).toType(w.getDataType(), false);
                w.muli(Tensors.onDevice(keep, d, scope));
            }
        }
        if (ctx.maskAware()) {
            for (List<UnitSlice> slices : List.of(g.inputs(), g.outputs())) {
                for (UnitSlice slice : slices) {
                    for (Device d : ctx.devices()) {
                        NDArray w = ctx.copyOn(slice.parameter(), d);
                        NDArray pruned = full(o.pruned(), slice, w, g.units());
                        NDArray grown = full(o.grown(), slice, w, g.units());
                        ctx.maskChanged(slice.parameter(), d, Tensors.onDevice(pruned, d, scope),
                                Tensors.onDevice(grown, d, scope));
                    }
                }
            }
        }
        s.updated(o.mask(), o.grown(), scope);
    }

    private static NDArray checkedScore(UnitCriterion criterion, UnitEvidence evidence, String role) {
        NDArray score = criterion.score(evidence);
        Shape expected = new Shape(evidence.group().units());
        if (score == null || !score.getShape().equals(expected)) {
            throw new IllegalStateException(
                    "the " + role + " criterion " + criterion + " returned "
                            + (score == null ? "null" : "shape " + score.getShape()) + " for unit group "
                            + evidence.group().name() + "; expected " + expected);
        }
        if (score.getManager() != evidence.scope()) {
            score.attach(evidence.scope());
        }
        return score;
    }

    /** A (units) vector laid out along a slice's axis, with 1s elsewhere: broadcasts against the parameter. */
    static NDArray broadcastable(NDArray unitVector, UnitSlice slice, Shape shape, int units) {
        long along = (long) slice.parts() * units * slice.width();
        NDArray v =
                unitVector.reshape(new Shape(1, units, 1))
                        .broadcast(new Shape(slice.parts(), units, slice.width()))
                        .reshape(new Shape(along));
        long[] dims = new long[shape.dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[slice.axis()] = along;
        return v.reshape(new Shape(dims));
    }

    /** A (units) vector expanded to the full shape of a parameter copy, with its data type. */
    private static NDArray full(NDArray unitVector, UnitSlice slice, NDArray weight, int units) {
        return broadcastable(unitVector, slice, weight.getShape(), units)
                .broadcast(weight.getShape())
                .toType(weight.getDataType(), false);
    }

    private static List<Parameter> parametersOf(UnitGroup g) {
        List<Parameter> out = new ArrayList<>();
        out.add(g.gate());
        g.inputs().forEach(s -> out.add(s.parameter()));
        g.outputs().forEach(s -> out.add(s.parameter()));
        return out;
    }

    @Override
    public void end(PolicyContext ctx) {
        if (plan != null) {
            plan.release(groups); // every unit computed again, gated: the model as a user knows it
        }
        // gates are frozen again: plain training after this run never moves them
        declared.forEach(g -> g.gate().freeze(true));
    }

    @Override
    public List<MaskedTensor> tensors() {
        return List.of();
    }

    @Override
    public List<UnitGroupReport> groups(PolicyContext ctx) {
        List<UnitGroupReport> out = new ArrayList<>();
        Device first = ctx.devices().get(0);
        for (UnitGroupState s : groups) {
            out.add(s.report(ctx.copyOn(s.group.gate(), first), ctx.managerFor(first)));
        }
        return out;
    }

    @Override
    public Map<String, List<Integer>> activeUnits(PolicyContext ctx) {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        for (UnitGroupState s : groups) {
            float[] gate = ctx.copyOn(s.group.gate(), ctx.devices().get(0)).toFloatArray();
            List<Integer> on = new ArrayList<>();
            for (int i = 0; i < gate.length; i++) {
                if (gate[i] > 0.5f) {
                    on.add(i);
                }
            }
            out.put(s.name(), List.copyOf(on));
        }
        return out;
    }

    /**
     * The state of a group, for tests.
     *
     * @param name the group's name
     * @return its running state
     */
    UnitGroupState group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no unit group named " + name));
    }

    @Override
    public void save(JsonObject header, NDList arrays, NDManager host) {
        header.addProperty("seed", settings.seed());
        UnitGroupState.saveAll(groups, header, arrays, host);
    }
}
