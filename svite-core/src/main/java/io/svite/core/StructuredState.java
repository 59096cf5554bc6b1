package io.svite.core;

import io.svite.core.checkpoint.StateFile;
import io.svite.core.report.UnitGroupReport;
import io.svite.core.report.UnitReport;
import io.svite.core.structured.UnitCriterion;
import io.svite.core.structured.UnitEvidence;
import io.svite.core.structured.UnitGroup;
import io.svite.core.structured.UnitSlice;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;

import io.svite.core.optimizer.MaskAwareOptimizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of one structured training run: binds to the model when training begins, keeps the
 * gates out of the optimizer, accumulates Taylor scores and rewrites the active sets on update
 * steps.
 *
 * <p>All work happens on the training thread. Per step it zeroes each gate's gradient and, during
 * a score window, adds |∂L/∂g| of each group into a buffer on the first device; an update runs on
 * the first training device inside a scope closed before the step and writes the same gates and
 * weights on every device.
 */
final class StructuredState implements EngineState {

    private static final Logger logger = LoggerFactory.getLogger(StructuredState.class);

    private final StructuredTrainer recipe;
    private final Optimizer delegate;

    private Block block;
    private Device[] devices;
    private NDManager root;
    private final Map<Device, NDManager> managers = new HashMap<>();
    private List<UnitGroup> declared = List.of();
    private final List<UnitGroupState> groups = new ArrayList<>();
    private final Set<String> gateIds = new HashSet<>();
    private final Set<String> watched = new HashSet<>();
    private final Map<String, Map<Device, NDArray>> copies = new ConcurrentHashMap<>();

    private final Map<String, Parameter> awaited = new LinkedHashMap<>();
    private final Map<String, BindingInitializer> wrappers = new HashMap<>();
    private final Map<String, NDArray> fresh = new HashMap<>();

    private boolean begun;
    private boolean bound;
    private long steps;
    private long rewrites;
    private long lastRewriteNanos;
    private String anchorId;
    private UnitReport lastReport;
    private Map<String, List<Integer>> lastActive;
    private StateFile.Contents resume;

    /** The kind of the structured engine's state file. */
    static final String STATE_KIND = "svite-structured";

    StructuredState(StructuredTrainer recipe, Optimizer delegate) {
        this.recipe = recipe;
        this.delegate = delegate;
    }

    /** The model's groups, checked: at least one, unique names and gates, known families. */
    static List<UnitGroup> declared(StructuredTrainer recipe, Block block) {
        List<UnitGroup> groups = recipe.units().groups(block);
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException("the model declares no structured unit groups");
        }
        Set<String> names = new HashSet<>();
        Set<String> gates = new HashSet<>();
        Set<String> families = new java.util.LinkedHashSet<>();
        for (UnitGroup g : groups) {
            if (!names.add(g.name())) {
                throw new IllegalArgumentException("the model declares two unit groups named " + g.name());
            }
            if (!gates.add(g.gate().getId())) {
                throw new IllegalArgumentException("unit group " + g.name() + " shares its gate with another group");
            }
            if (g.gate().getType() == Parameter.Type.WEIGHT) {
                throw new IllegalArgumentException(
                        "unit group " + g.name() + ": the gate " + g.gate().getName() + " is of type WEIGHT; gates must"
                                + " not be weights (optimizers would decay them and SViTE would mask them)");
            }
            families.add(g.family().name());
        }
        for (String f : recipe.namedFamilies()) {
            if (!families.contains(f)) {
                throw new IllegalArgumentException(
                        "the recipe names the unit family '" + f + "', but the model declares only "
                                + String.join(", ", families));
            }
        }
        return groups;
    }

    // ---------------------------------------------------------------- binding

    /** Called from {@code onTrainingBegin}, i.e. from the Trainer's constructor. */
    @Override
    public void begin(Trainer trainer) {
        if (begun) {
            throw new IllegalStateException(
                    "this structured training configuration has already driven a training run; call"
                            + " StructuredTrainer.configure(...) again for a new run");
        }
        begun = true;
        Model model = trainer.getModel();
        block = model.getBlock();
        devices = trainer.getDevices().clone();
        root = model.getNDManager().newSubManager();
        root.setName("svite-units");
        declared = declared(recipe, block);
        try {
            recipe.budget().counts(declared); // fails early for a budget that needs no shapes
        } catch (IllegalStateException shapesNotKnownYet) {
            // the Erdős–Rényi budget needs the weights' shapes: checked when the arrays exist
        }
        Map<String, Parameter> needed = new LinkedHashMap<>();
        for (UnitGroup g : declared) {
            needed.put(g.gate().getId(), g.gate());
            gateIds.add(g.gate().getId());
            for (List<UnitSlice> slices : List.of(g.inputs(), g.outputs())) {
                slices.forEach(s -> needed.put(s.parameter().getId(), s.parameter()));
            }
        }
        watched.addAll(needed.keySet());
        for (Parameter p : needed.values()) {
            if (!p.isInitialized() && p.getInitializer() != null) {
                awaited.put(p.getId(), p);
            }
        }
        if (awaited.isEmpty()) {
            bind();
        } else {
            for (Parameter p : awaited.values()) {
                wrappers.put(p.getId(), BindingInitializer.install(p, this::initialized));
            }
        }
        // gates take part in autograd from here on: trainer.initialize gives every copy a gradient
        declared.forEach(g -> g.gate().freeze(false));
    }

    private void initialized(Parameter parameter, NDArray array) {
        if (awaited.remove(parameter.getId()) == null) {
            return;
        }
        fresh.put(parameter.getId(), array);
        unwrap(parameter);
        if (awaited.isEmpty()) {
            bind();
        }
    }

    private void unwrap(Parameter parameter) {
        BindingInitializer wrapper = wrappers.remove(parameter.getId());
        if (wrapper != null) {
            wrapper.unwrap();
        }
    }

    private void ensureBound() {
        if (bound) {
            return;
        }
        if (!begun) {
            throw new IllegalStateException(
                    "the structured optimizer was used without its training listener; create the Trainer from"
                            + " the TrainingConfig that StructuredTrainer.configure(...) returned");
        }
        logger.warn(
                "initial active units installed only at the first step: the model's arrays were not created by"
                        + " trainer.initialize(...) nor present when the trainer was created, so the first forward"
                        + " pass was dense");
        awaited.values().forEach(this::unwrap);
        awaited.clear();
        bind();
    }

    private NDArray arrayOf(Parameter parameter) {
        NDArray a = fresh.get(parameter.getId());
        return a != null ? a : parameter.getArray();
    }

    private void bind() {
        for (UnitGroup g : declared) {
            Shape gateShape = arrayOf(g.gate()).getShape();
            if (!gateShape.equals(new Shape(g.units()))) {
                throw new IllegalArgumentException(
                        "unit group " + g.name() + " declares " + g.units() + " units but its gate "
                                + g.gate().getName() + " has shape " + gateShape);
            }
            for (List<UnitSlice> slices : List.of(g.inputs(), g.outputs())) {
                for (UnitSlice s : slices) {
                    s.check(arrayOf(s.parameter()).getShape(), g.units(), g.name());
                }
            }
        }
        int[] counts = recipe.budget().counts(declared);
        NDManager state = managerFor(devices[0]);
        for (int i = 0; i < declared.size(); i++) {
            UnitGroup g = declared.get(i);
            UnitGroupState s =
                    new UnitGroupState(g, counts[i], recipe.prune(g.family()), recipe.grow(g.family()));
            if (resume == null) {
                s.install(startingSet(g, arrayOf(g.gate()), counts[i]), state);
            }
            groups.add(s);
        }
        if (resume != null) {
            restore(resume, state);
            resume = null;
        }
        anchorId = declared.get(0).gate().getId();
        fresh.clear();
        bound = true;
        if (logger.isInfoEnabled()) {
            logger.info(
                    String.format(
                            Locale.ROOT,
                            "S2ViTE: %d unit groups under %s (%s), %s, prune %s, grow %s, score window %d, seed %d,"
                                    + " from step %d",
                            groups.size(),
                            recipe.budget(),
                            familySummary(),
                            recipe.schedule(),
                            criteria(true),
                            criteria(false),
                            recipe.scoreWindow(),
                            recipe.seed(),
                            steps));
        }
    }

    /**
     * The group's initial active set: a seeded draw when its gate is all ones, the gate itself
     * when it already holds the budget's count of ones and zeros; written into the gate.
     */
    private float[] startingSet(UnitGroup g, NDArray gate, int active) {
        float[] values = gate.toFloatArray(); // once per group, when binding
        int ones = 0;
        boolean zeroOne = true;
        for (float v : values) {
            if (v == 1f) {
                ones++;
            } else if (v != 0f) {
                zeroOne = false;
            }
        }
        if (zeroOne && ones == values.length) {
            if (active == values.length) {
                return values;
            }
            float[] drawn = InitialMasks.draw(recipe.seed(), g.name(), values.length, active);
            try (NDManager tmp = root.newSubManager(gate.getDevice())) {
                gate.muli(tmp.create(drawn, gate.getShape()).toType(gate.getDataType(), false));
            }
            return drawn;
        }
        if (zeroOne && ones == active) {
            logger.info("unit group {} continues from the model's gates ({} of {} active)", g.name(), ones, values.length);
            return values;
        }
        throw new IllegalArgumentException(
                String.format(
                        Locale.ROOT,
                        "unit group %s: the gate %s %s, but the budget keeps %d of %d units; a structured run starts"
                                + " from a dense model (every gate 1) or from 0/1 gates with the budget's counts",
                        g.name(),
                        g.gate().getName(),
                        zeroOne ? "has " + ones + " units switched on" : "holds values other than 0 and 1",
                        active,
                        values.length));
    }

    private NDManager managerFor(Device device) {
        return managers.computeIfAbsent(device, d -> root.newSubManager(d));
    }

    // ---------------------------------------------------------------- training

    /** Never passes a gate on (and zeroes its gradient); remembers device copies; counts steps. */
    void update(String parameterId, NDArray weight, NDArray grad) {
        if (!bound) {
            ensureBound();
        }
        if (watched.contains(parameterId)) {
            copies.computeIfAbsent(parameterId, k -> new ConcurrentHashMap<>()).putIfAbsent(weight.getDevice(), weight);
        }
        if (gateIds.contains(parameterId)) {
            if (weight.hasGradient()) {
                try (NDArray g = weight.getGradient()) {
                    g.subi(g);
                }
            }
        } else {
            delegate.update(parameterId, weight, grad);
        }
        if (parameterId.equals(anchorId) && weight.getDevice().equals(devices[0])) {
            steps++;
        }
    }

    /** Called from {@code onTrainingBatch}: the gradient of the coming step is present. */
    @Override
    public void beforeStep() {
        ensureBound();
        long t = steps + 1;
        if (inScoreWindow(t)) {
            accumulate();
        }
        if (recipe.schedule().isUpdateStep(t)) {
            rewrite(t);
        }
    }

    /** Whether an update happens within the window that ends at or after step t. */
    private boolean inScoreWindow(long t) {
        for (int k = 0; k < recipe.scoreWindow(); k++) {
            if (recipe.schedule().isUpdateStep(t + k)) {
                return true;
            }
        }
        return false;
    }

    private void accumulate() {
        Device first = devices[0];
        try (NDManager scope = managerFor(first).newSubManager()) {
            for (UnitGroupState s : groups) {
                if (s.dense()) {
                    continue;
                }
                NDArray sum = gateGradientSum(s.group.gate(), scope);
                if (sum != null) {
                    s.accumulate(sum.abs());
                }
            }
        }
    }

    /** ∂L/∂g summed over the device copies, on the first device, in the scope; null if a copy is unseen. */
    private NDArray gateGradientSum(Parameter gate, NDManager scope) {
        NDArray sum = null;
        for (Device d : devices) {
            NDArray copy = copyOn(gate, d);
            if (copy == null || !copy.hasGradient()) {
                return null;
            }
            NDArray g = copy.getGradient();
            g.attach(scope);
            g = onDevice(g, devices[0], scope);
            sum = sum == null ? g : sum.add(g);
        }
        return sum;
    }

    private void rewrite(long step) {
        for (UnitGroupState s : groups) {
            if (s.dense()) {
                continue;
            }
            for (Device d : devices) {
                for (Parameter p : parametersOf(s.group)) {
                    if (copyOn(p, d) == null) {
                        logger.warn(
                                "structured update at step {} skipped: the copy of {} on {} has not been seen yet",
                                step, p.getName(), d);
                        return;
                    }
                }
            }
        }
        double alpha = recipe.schedule().pruneFraction(step);
        long started = System.nanoTime();
        long replaced = 0;
        Device first = devices[0];
        for (UnitGroupState s : groups) {
            if (s.dense()) {
                continue;
            }
            long r = Math.min(s.active, (long) Math.ceil(alpha * s.active));
            if (!recipe.regrowPruned()) {
                r = Math.min(r, s.units() - s.active);
            }
            if (r <= 0) {
                continue;
            }
            replaced += r;
            try (NDManager scope = managerFor(first).newSubManager()) {
                rewriteGroup(s, r, scope);
            }
        }
        rewrites++;
        lastRewriteNanos = System.nanoTime() - started;
        if (logger.isDebugEnabled()) {
            logger.debug(
                    String.format(
                            Locale.ROOT,
                            "structured update %d at step %d: α %.4f, %d units replaced in %.1f ms",
                            rewrites, step, alpha, replaced, lastRewriteNanos / 1e6));
        }
    }

    private void rewriteGroup(UnitGroupState s, long r, NDManager scope) {
        Device first = devices[0];
        UnitGroup g = s.group;
        NDArray mask = copyOn(g.gate(), first);
        GroupEvidence evidence = new GroupEvidence(s, scope, first, this::copyOn);
        NDArray pruneScore = checkedScore(s.prune, evidence, "prune");
        NDArray growScore = checkedScore(s.grow, evidence, "grow");
        MaskRewrite.Outcome o = MaskRewrite.rewrite(scope, mask, pruneScore, growScore, r, !recipe.regrowPruned());
        if (logger.isTraceEnabled()) { // host copies, only when tracing
            logger.trace(
                    "{}: active {} prune {} grow {} -> {}",
                    g.name(),
                    java.util.Arrays.toString(mask.toFloatArray()),
                    java.util.Arrays.toString(pruneScore.toFloatArray()),
                    java.util.Arrays.toString(growScore.toFloatArray()),
                    java.util.Arrays.toString(o.mask().toFloatArray()));
        }
        for (Device d : devices) {
            copyOn(g.gate(), d).muli(onDevice(o.kept(), d, scope)).addi(onDevice(o.grown(), d, scope));
        }
        NDArray notGrown = o.grown().neg().add(1f);
        for (UnitSlice out : g.outputs()) {
            for (Device d : devices) {
                NDArray w = copyOn(out.parameter(), d);
                NDArray keep = broadcastable(notGrown, out, w.getShape(), g.units()).toType(w.getDataType(), false);
                w.muli(onDevice(keep, d, scope));
            }
        }
        if (delegate instanceof MaskAwareOptimizer) {
            MaskAwareOptimizer aware = (MaskAwareOptimizer) delegate;
            for (List<UnitSlice> slices : List.of(g.inputs(), g.outputs())) {
                for (UnitSlice slice : slices) {
                    for (Device d : devices) {
                        NDArray w = copyOn(slice.parameter(), d);
                        NDArray pruned = full(o.pruned(), slice, w, g.units());
                        NDArray grown = full(o.grown(), slice, w, g.units());
                        aware.onMaskUpdate(
                                slice.parameter().getId(), d, onDevice(pruned, d, scope), onDevice(grown, d, scope));
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

    /** The training copy of a parameter on a device, or null if not seen yet (the master counts). */
    NDArray copyOn(Parameter parameter, Device device) {
        Map<Device, NDArray> seen = copies.get(parameter.getId());
        NDArray copy = seen == null ? null : seen.get(device);
        if (copy == null && parameter.isInitialized() && parameter.getArray().getDevice().equals(device)) {
            copy = parameter.getArray();
        }
        return copy;
    }

    private static NDArray onDevice(NDArray array, Device device, NDManager scope) {
        if (array.getDevice().equals(device)) {
            return array;
        }
        NDArray copy = array.toDevice(device, true);
        copy.attach(scope);
        return copy;
    }

    @Override
    public void afterEpoch(Trainer trainer) {
        if (!bound) {
            return;
        }
        UnitReport report = report();
        if (logger.isInfoEnabled()) {
            StringBuilder sb = new StringBuilder();
            for (UnitGroupReport f : report.families()) {
                sb.append(sb.length() == 0 ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%s %d of %d active (%d changed since the start)",
                                f.name(), f.active(), f.units(), f.changed()));
            }
            logger.info("S2ViTE step {}: {}, {} updates", report.step(), sb, report.updates());
        }
        Metrics metrics = trainer.getMetrics();
        if (metrics != null) {
            for (UnitGroupReport f : report.families()) {
                metrics.addMetric("units_active_" + f.name(), f.active());
                metrics.addMetric("units_changed_" + f.name(), f.changed());
            }
        }
    }

    @Override
    public void end() {
        awaited.values().forEach(this::unwrap);
        awaited.clear();
        if (bound && root.isOpen() && block != null) {
            lastReport = report();
            lastActive = activeUnits();
        }
        // gates are frozen again: plain training after this run never moves them
        declared.forEach(g -> g.gate().freeze(true));
    }

    // ---------------------------------------------------------------- reporting

    long steps() {
        return steps;
    }

    long rewrites() {
        return rewrites;
    }

    double lastRewriteSeconds() {
        return lastRewriteNanos / 1e9;
    }

    boolean bound() {
        return bound;
    }

    UnitReport report() {
        if (!bound) {
            throw new IllegalStateException("no training has started with this configuration yet");
        }
        if (!root.isOpen()) {
            if (lastReport != null) {
                return lastReport;
            }
            throw new IllegalStateException("the model was closed; read the report before closing it");
        }
        List<UnitGroupReport> out = new ArrayList<>();
        for (UnitGroupState s : groups) {
            NDArray gate = copyOn(s.group.gate(), devices[0]);
            try (NDManager scope = managerFor(devices[0]).newSubManager()) {
                NDArray on = gate.gt(0.5f);
                on.attach(scope);
                NDArray onHere = onDevice(on, s.initial().getDevice(), scope);
                NDArray notInitially = s.initial().logicalNot();
                notInitially.attach(scope);
                NDArray fresh = onHere.logicalAnd(notInitially);
                NDArray everOrNow = s.ever().logicalOr(onDevice(on, s.ever().getDevice(), scope));
                everOrNow.attach(scope);
                int active = (int) SparseState.count(on);
                int ever = (int) SparseState.count(everOrNow);
                int changed = (int) SparseState.count(fresh);
                NDArray grown = s.grown().toType(DataType.FLOAT32, true);
                grown.attach(scope);
                out.add(new UnitGroupReport(s.name(), s.group.family().name(), s.units(), active, ever, changed,
                        Math.round(grown.getFloat())));
            }
        }
        return new UnitReport(steps, rewrites, out);
    }

    Map<String, List<Integer>> activeUnits() {
        if (!bound) {
            throw new IllegalStateException("no training has started with this configuration yet");
        }
        if (!root.isOpen()) {
            if (lastActive != null) {
                return lastActive;
            }
            throw new IllegalStateException("the model was closed; read the active units before closing it");
        }
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        for (UnitGroupState s : groups) {
            float[] gate = copyOn(s.group.gate(), devices[0]).toFloatArray();
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

    /** The state of a group, for tests in this package. */
    UnitGroupState group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no unit group named " + name));
    }

    private String familySummary() {
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

    private String criteria(boolean prune) {
        Map<String, String> out = new LinkedHashMap<>();
        for (UnitGroupState s : groups) {
            out.putIfAbsent(s.group.family().name(), (prune ? s.prune : s.grow).toString());
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- checkpoints

    /**
     * Writes the engine's own state: step, update count, and per group the score window's sum and
     * batch count, the initial and ever-active sets and the grown count. The active sets are the
     * gates, which the model's weights carry.
     */
    void save(Path file) throws IOException {
        if (!bound) {
            throw new IllegalStateException("nothing to save: no training has started with this configuration yet");
        }
        if (!root.isOpen()) {
            throw new IllegalStateException("the model was closed; save the structured state before closing it");
        }
        JsonObject header = new JsonObject();
        header.addProperty("step", steps);
        header.addProperty("updates", rewrites);
        header.addProperty("seed", recipe.seed());
        JsonArray entries = new JsonArray();
        try (NDManager scope = root.newSubManager(Device.cpu())) {
            NDList arrays = new NDList();
            for (UnitGroupState s : groups) {
                JsonObject e = new JsonObject();
                e.addProperty("name", s.name());
                e.addProperty("units", s.units());
                e.addProperty("active", s.active);
                e.addProperty("windowBatches", s.windowBatches());
                entries.add(e);
                arrays.add(StateFile.hostCopy(s.taylorSum(), "taylor:" + s.name(), scope));
                arrays.add(StateFile.hostCopy(s.initial(), "initial:" + s.name(), scope));
                arrays.add(StateFile.hostCopy(s.ever(), "ever:" + s.name(), scope));
                arrays.add(StateFile.hostCopy(s.grown(), "grown:" + s.name(), scope));
            }
            header.add("groups", entries);
            StateFile.write(file, STATE_KIND, header, arrays);
        }
    }

    /** Stages a checkpoint to replace the initial draw when the engine binds. */
    void resumeFrom(StateFile.Contents contents) {
        if (begun) {
            throw new IllegalStateException(
                    "resume from a structured checkpoint before the trainer is created, not after training has begun");
        }
        resume = contents;
    }

    private void restore(StateFile.Contents contents, NDManager manager) {
        JsonArray entries = contents.header().getAsJsonArray("groups");
        if (entries == null || entries.size() != groups.size()) {
            throw new IllegalArgumentException(
                    "structured checkpoint " + contents.file() + " does not match this model: it has "
                            + (entries == null ? 0 : entries.size()) + " unit groups, the model " + groups.size());
        }
        try (NDManager host = root.newSubManager(Device.cpu())) {
            Map<String, NDArray> arrays = contents.arrays(host);
            for (int i = 0; i < groups.size(); i++) {
                UnitGroupState s = groups.get(i);
                JsonObject e = entries.get(i).getAsJsonObject();
                String name = e.get("name").getAsString();
                if (!name.equals(s.name()) || e.get("units").getAsInt() != s.units()
                        || e.get("active").getAsInt() != s.active) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "structured checkpoint %s does not match this model and budget: its group %d is %s with %d"
                                    + " of %d units active, here %s with %d of %d (was it saved with another budget?)",
                            contents.file(), i, name, e.get("active").getAsInt(), e.get("units").getAsInt(), s.name(),
                            s.active, s.units()));
                }
                s.restore(
                        contents.require(arrays, "taylor:" + name),
                        e.get("windowBatches").getAsInt(),
                        contents.require(arrays, "initial:" + name),
                        contents.require(arrays, "ever:" + name),
                        contents.require(arrays, "grown:" + name),
                        manager);
            }
        }
        steps = contents.getLong("step");
        rewrites = contents.getLong("updates");
    }
}
