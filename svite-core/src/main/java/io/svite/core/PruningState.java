package io.svite.core;

import io.svite.core.checkpoint.MaskCheckpoint;
import io.svite.core.checkpoint.StateFile;
import io.svite.core.report.LayerSparsity;
import io.svite.core.report.SparsityReport;
import io.svite.core.schedule.PruningEvent;
import io.svite.core.select.ParameterSelector;
import io.svite.core.select.UniqueNames;

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
import ai.djl.util.Pair;

import io.svite.core.optimizer.MaskAwareOptimizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The state of one pruning run: binds to the model, masks every optimizer update of a pruned
 * tensor, sums gradient-based scores over the batches before an event, and prunes on the events of
 * the schedule.
 *
 * <p>All work happens on the training thread. Before the first event nothing is masked and
 * nothing is allocated (unless scores are summed); from the first event on every selected tensor
 * has a mask on every device, replaced (not added to) by later events, so the model manager's
 * array count stays constant. Per step: two in-place multiplications per tensor copy and, while
 * a gradient criterion sums scores, one score and one in-place addition per tensor — all on the
 * device. Events read a handful of counts back to the host.
 */
final class PruningState implements EngineState {

    private static final Logger logger = LoggerFactory.getLogger(PruningState.class);

    private final PruningTrainer recipe;
    private final Optimizer delegate;
    private final List<PruningEvent> events;

    private Block block;
    private Device[] devices;
    private NDManager maskRoot;
    private final Map<Device, NDManager> managers = new LinkedHashMap<>();
    private final Map<String, PrunedLayer> layers = new LinkedHashMap<>();

    private boolean begun;
    private boolean bound;
    private long steps;
    private int next;
    private int done;
    private long lastEventStep;
    private long lastEventNanos;
    private String anchorId;
    private SparsityReport lastReport;
    private StateFile.Contents resume;

    /** The kind of the pruning engine's state file. */
    static final String STATE_KIND = "svite-pruning";

    PruningState(PruningTrainer recipe, Optimizer delegate) {
        this.recipe = recipe;
        this.delegate = delegate;
        this.events = recipe.schedule().events();
    }

    // ---------------------------------------------------------------- binding

    /** Called from {@code onTrainingBegin}, i.e. from the Trainer's constructor. */
    @Override
    public void begin(Trainer trainer) {
        if (begun) {
            throw new IllegalStateException(
                    "this pruning configuration has already driven a training run; call"
                            + " PruningTrainer.configure(...) again for a new run");
        }
        begun = true;
        Model model = trainer.getModel();
        block = model.getBlock();
        devices = trainer.getDevices().clone();
        maskRoot = model.getNDManager().newSubManager();
        maskRoot.setName("svite-pruning");
        recipe.selector().checkNames(block);
        boolean weightsExist = block.getParameters().values().stream().allMatch(Parameter::isInitialized);
        if (weightsExist) {
            bind();
        } else if (resume != null) {
            throw new IllegalStateException(
                    "resuming a pruning run needs the model's weights before training begins; load the checkpoint's"
                            + " weights first");
        } else if (recipe.startFrom() != null || (!events.isEmpty() && events.get(0).step() == 0)) {
            throw new IllegalStateException(
                    (recipe.startFrom() != null ? "starting from given masks" : "pruning at step 0")
                            + " needs the model's weights before training begins (a trained or loaded model),"
                            + " but this model is not initialised yet; train or load it first, or prune at a"
                            + " step >= 1");
        }
    }

    private void ensureBound() {
        if (bound) {
            return;
        }
        if (!begun) {
            throw new IllegalStateException(
                    "the pruning optimizer was used without its training listener; create the Trainer from"
                            + " the TrainingConfig that PruningTrainer.configure(...) returned");
        }
        bind();
    }

    private void bind() {
        Map<String, Parameter> selected = recipe.selector().select(block);
        if (selected.isEmpty()) {
            throw new IllegalArgumentException(
                    "the model has no parameter that the selector '" + recipe.selector()
                            + "' picks, so there is nothing to prune (by default: trainable 2-D or 4-D"
                            + " weights); widen the selection with ParameterSelector.including(...)");
        }
        UniqueNames names = UniqueNames.of(block);
        for (Map.Entry<String, Parameter> e : selected.entrySet()) {
            Parameter p = e.getValue();
            layers.put(
                    p.getId(),
                    new PrunedLayer(
                            e.getKey(),
                            names.display(e.getKey()),
                            names.layer(e.getKey()),
                            p,
                            p.getArray().getShape()));
        }
        anchorId = layers.keySet().iterator().next();
        bound = true;
        StateFile.Contents restored = resume;
        resume = null;
        if (restored != null) {
            restore(restored);
        } else if (recipe.startFrom() != null) {
            installStart(recipe.startFrom());
        }
        logger.info(
                String.format(
                        Locale.ROOT,
                        "pruning: %d tensors, %s, %s by %s%s%s",
                        layers.size(),
                        recipe.schedule(),
                        recipe.scope(),
                        recipe.criterion(),
                        recipe.startFrom() == null || restored != null ? "" : ", starting from given masks",
                        restored == null ? "" : ", from step " + steps + " (" + done + " events done)"));
        if (restored == null && !events.isEmpty() && events.get(0).step() == 0) {
            next = 1;
            prune(events.get(0), 0);
        }
    }

    private void installStart(MaskSet start) {
        Set<String> unused = new HashSet<>(start.names());
        for (PrunedLayer layer : layers.values()) {
            if (!unused.remove(layer.display)) {
                throw new IllegalArgumentException(
                        "the masks to start from have none for " + layer.display + "; they cover " + start.names());
            }
            Shape shape = start.shape(layer.display);
            if (!shape.equals(layer.shape)) {
                throw new IllegalArgumentException(
                        "the mask to start from for " + layer.display + " has shape " + shape + ", the weight "
                                + layer.shape);
            }
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException(
                    "the masks to start from cover " + unused + ", which this run does not select");
        }
        for (PrunedLayer layer : layers.values()) {
            NDArray weight = layer.parameter.getArray();
            NDManager manager = managerFor(weight.getDevice());
            NDArray given = start.mask(layer.display);
            NDArray ever = given.getDevice().equals(weight.getDevice())
                    ? given.duplicate()
                    : given.toDevice(weight.getDevice(), true);
            ever.attach(manager);
            NDArray mask = ever.toType(weight.getDataType(), false);
            long count = SparseState.count(ever);
            layer.start(mask, ever, count, manager);
            weight.muli(mask);
        }
    }

    private NDManager managerFor(Device device) {
        return managers.computeIfAbsent(device, d -> maskRoot.newSubManager(d));
    }

    // ---------------------------------------------------------------- training

    /** Masks the gradient, delegates, masks the weight; counts steps on the anchor parameter. */
    void update(String parameterId, NDArray weight, NDArray grad) {
        ensureBound();
        PrunedLayer layer = layers.get(parameterId);
        NDArray mask = null;
        if (layer != null) {
            layer.rememberCopy(weight);
            mask = layer.maskOn(weight.getDevice(), this::managerFor);
        }
        if (mask == null) {
            delegate.update(parameterId, weight, grad);
        } else {
            grad.muli(mask);
            delegate.update(parameterId, weight, grad);
            weight.muli(mask);
        }
        if (parameterId.equals(anchorId) && weight.getDevice().equals(devices[0])) {
            steps++;
        }
    }

    /** Called from {@code onTrainingBatch}: the dense gradient of the coming step is present. */
    @Override
    public void beforeStep() {
        ensureBound();
        long t = steps + 1;
        if (next >= events.size()) {
            return;
        }
        if (!copiesSeen()) {
            logger.warn("pruning at step {} postponed: not every device copy has been seen yet", t);
            return;
        }
        if (recipe.criterion().usesGradient() && inScoreWindow(t)) {
            addScores();
        }
        PruningEvent due = null;
        while (next < events.size() && events.get(next).step() <= t) {
            due = events.get(next++);
        }
        if (due != null) {
            prune(due, t);
        }
    }

    /** Whether step t's batch belongs to the sum of scores for the next event. */
    private boolean inScoreWindow(long t) {
        long eventStep = events.get(next).step();
        long window = recipe.scoreWindow();
        return t > lastEventStep && (window == 0 || t > eventStep - window);
    }

    private boolean copiesSeen() {
        for (PrunedLayer layer : layers.values()) {
            for (Device d : devices) {
                if (layer.copyOn(d) == null) {
                    return false;
                }
            }
        }
        return true;
    }

    private void addScores() {
        Device first = devices[0];
        for (PrunedLayer layer : layers.values()) {
            try (NDManager scope = managerFor(first).newSubManager()) {
                NDArray gradient = gradientSum(layer, scope);
                NDArray weight = scoped(scope, layer.copyOn(first).reshape(layer.shape));
                layer.addScores(scoped(scope, recipe.criterion().score(weight, gradient)), managerFor(first));
            }
        }
    }

    /** The dense gradient of every device copy, summed on the first device, attached to the scope. */
    private NDArray gradientSum(PrunedLayer layer, NDManager scope) {
        NDArray sum = null;
        for (Device d : devices) {
            NDArray g = layer.copyOn(d).getGradient();
            g.attach(scope);
            g = onDevice(g, devices[0], scope);
            sum = sum == null ? g : sum.add(g);
        }
        return sum;
    }

    // ---------------------------------------------------------------- events

    private void prune(PruningEvent event, long step) {
        long started = System.nanoTime();
        Device first = devices[0];
        List<PrunedLayer> all = new ArrayList<>(layers.values());
        try (NDManager scope = managerFor(first).newSubManager()) {
            List<NDArray> scores = new ArrayList<>();
            List<NDArray> masks = new ArrayList<>();
            for (PrunedLayer layer : all) {
                scores.add(scoreForEvent(layer, scope));
                NDArray mask = layer.maskOn(first, this::managerFor);
                masks.add(mask);
            }
            List<NDArray> kept = new ArrayList<>();
            if (recipe.scope().perLayerAt(event.sparsity()).isPresent()) {
                Map<String, Long> targets = layerTargets(all, event.sparsity());
                for (int i = 0; i < all.size(); i++) {
                    PrunedLayer layer = all.get(i);
                    long keep = Math.min(layer.active(), targets.get(layer.display));
                    kept.add(MaskShrink.layer(scope, scores.get(i), masks.get(i), layer.size - keep));
                }
            } else {
                long total = all.stream().mapToLong(l -> l.size).sum();
                long pruned = all.stream().mapToLong(l -> l.size - l.active()).sum();
                long prune = Math.min(total - 1, Math.max(pruned, Math.round(event.sparsity() * total)));
                kept = MaskShrink.global(scope, scores, masks, prune);
            }
            for (int i = 0; i < all.size(); i++) {
                apply(all.get(i), kept.get(i), scope);
            }
        }
        if (next >= events.size()) {
            all.forEach(PrunedLayer::dropScores);
        }
        done++;
        lastEventStep = step;
        lastEventNanos = System.nanoTime() - started;
        if (logger.isInfoEnabled()) {
            long nonZeros = all.stream().mapToLong(PrunedLayer::active).sum();
            long size = all.stream().mapToLong(l -> l.size).sum();
            logger.info(
                    String.format(
                            Locale.ROOT,
                            "pruning event %d at step %d: target %.4f, sparsity now %.4f (%,d of %,d active), %.1f ms",
                            done,
                            step,
                            event.sparsity(),
                            1 - (double) nonZeros / size,
                            nonZeros,
                            size,
                            lastEventNanos / 1e6));
        }
    }

    /** The score of every entry for this event, attached to the scope. */
    private NDArray scoreForEvent(PrunedLayer layer, NDManager scope) {
        if (recipe.criterion().usesGradient()) {
            if (layer.scores() == null) {
                throw new IllegalStateException(
                        "no gradient scores were summed for " + layer.display + " before the pruning event; the"
                                + " score window is empty");
            }
            return scoped(scope, layer.scores().reshape(layer.shape));
        }
        NDArray weight = scoped(scope, layer.copyOn(devices[0]).reshape(layer.shape));
        NDArray score = recipe.criterion().score(weight, weight.zerosLike());
        return score.getManager() == scope ? score : scoped(scope, score);
    }

    /** Exact per-layer active counts of a per-layer scope at a sparsity: round(d·N), at least 1. */
    private Map<String, Long> layerTargets(List<PrunedLayer> all, double sparsity) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        all.forEach(l -> shapes.put(l.display, l.shape));
        Map<String, Double> densities = recipe.scope().perLayerAt(sparsity).orElseThrow().densities(shapes);
        Map<String, Long> out = new LinkedHashMap<>();
        for (PrunedLayer l : all) {
            long count = Math.round(densities.get(l.display) * l.size);
            out.put(l.display, Math.max(1, Math.min(l.size, count)));
        }
        return out;
    }

    /** Installs a new 0/1 mask on every copy, zeroes the pruned weights, tells the optimizer. */
    private void apply(PrunedLayer layer, NDArray keep, NDManager scope) {
        Device first = devices[0];
        NDArray old = layer.maskOn(first, this::managerFor);
        NDArray before = old != null ? scoped(scope, old.reshape(layer.shape)) : scope.ones(layer.shape, keep.getDataType(), first);
        NDArray pruned = before.sub(keep);
        long count = SparseState.count(keep);
        if (old != null && count == layer.active()) {
            layer.resetScores();
            return;
        }
        for (Device d : devices) {
            NDArray copy = layer.copyOn(d);
            if (copy != null) {
                copy.muli(onDevice(keep, d, scope));
            }
        }
        NDArray master = layer.parameter.getArray();
        if (layer.copyOn(master.getDevice()) != master) {
            master.muli(onDevice(keep, master.getDevice(), scope));
        }
        if (delegate instanceof MaskAwareOptimizer && count < layer.active()) {
            MaskAwareOptimizer aware = (MaskAwareOptimizer) delegate;
            NDArray none = pruned.zerosLike();
            for (Device d : devices) {
                aware.onMaskUpdate(layer.parameter.getId(), d, onDevice(pruned, d, scope), onDevice(none, d, scope));
            }
        }
        layer.replaceMasks(keep, List.of(devices), this::managerFor);
        layer.setActive(count);
        layer.resetScores();
    }

    private static NDArray onDevice(NDArray array, Device device, NDManager scope) {
        if (array.getDevice().equals(device)) {
            return array;
        }
        NDArray copy = array.toDevice(device, true);
        copy.attach(scope);
        return copy;
    }

    private static NDArray scoped(NDManager scope, NDArray array) {
        array.attach(scope);
        return array;
    }

    @Override
    public void afterEpoch(Trainer trainer) {
        if (!bound) {
            return;
        }
        SparsityReport report = report();
        logger.info(
                String.format(
                        Locale.ROOT,
                        "pruning step %d: sparsity %.2f %% (%,d of %,d weights active), %d pruning events",
                        report.step(),
                        100 * report.sparsity(),
                        report.nonZeros(),
                        report.size(),
                        done));
        Metrics metrics = trainer.getMetrics();
        if (metrics != null) {
            metrics.addMetric("sparsity", report.sparsity());
        }
    }

    @Override
    public void end() {
        if (bound && maskRoot.isOpen()) {
            lastReport = report();
        }
    }

    // ---------------------------------------------------------------- reporting and hand-over

    long steps() {
        return steps;
    }

    int events() {
        return done;
    }

    double lastEventSeconds() {
        return lastEventNanos / 1e9;
    }

    boolean bound() {
        return bound;
    }

    /** Exact counts are tracked by the events, so a report reads nothing from the device. */
    SparsityReport report() {
        if (!bound) {
            throw new IllegalStateException("no training has started with this configuration yet");
        }
        if (!maskRoot.isOpen()) {
            if (lastReport != null) {
                return lastReport;
            }
            throw new IllegalStateException("the model was closed; read the report before closing it");
        }
        List<LayerSparsity> out = new ArrayList<>();
        for (PrunedLayer layer : layers.values()) {
            out.add(
                    new LayerSparsity(
                            layer.layer, layer.display, layer.shape.getShape(), layer.size, layer.active(),
                            layer.startActive()));
        }
        return new SparsityReport(steps, done, out);
    }

    /** The current masks as booleans in a new manager under the model's. */
    MaskSet masks() {
        requireOpen("take the masks");
        NDManager manager = maskRoot.getParentManager().newSubManager();
        Map<String, NDArray> out = new LinkedHashMap<>();
        try {
            for (PrunedLayer layer : layers.values()) {
                NDArray mask = layer.anyMask();
                NDArray copy =
                        mask == null
                                ? manager.ones(layer.shape, DataType.BOOLEAN, layer.parameter.getArray().getDevice())
                                : mask.toType(DataType.BOOLEAN, true);
                copy.attach(manager);
                out.put(layer.display, copy);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new MaskSet(manager, out);
    }

    /** The masks in the engine's checkpoint format (same file as SViTE's), for reports and inspection. */
    void save(Path file) throws IOException {
        requireOpen("save the masks");
        try (NDManager scope = maskRoot.newSubManager()) {
            List<SparseLayer> view = new ArrayList<>();
            for (PrunedLayer layer : layers.values()) {
                SparseLayer s = new SparseLayer(layer.djlName, layer.display, layer.layer, layer.parameter, layer.shape,
                        layer.active());
                NDArray mask = layer.anyMask();
                if (!s.dense() && mask != null) {
                    NDArray copy = mask.duplicate();
                    NDArray ever = layer.startMask() != null
                            ? layer.startMask().duplicate()
                            : scope.ones(layer.shape, DataType.BOOLEAN, mask.getDevice());
                    s.install(copy, ever, scope);
                }
                view.add(s);
            }
            MaskCheckpoint.write(file, steps, done, 0, SparseLayer.tensors(view));
        }
    }

    /** Frees masks and scores; the report (taken now) stays readable. */
    void release() {
        if (bound && maskRoot.isOpen()) {
            lastReport = report();
            maskRoot.close();
        }
    }

    private void requireOpen(String what) {
        if (!bound) {
            throw new IllegalStateException("cannot " + what + ": no training has started with this configuration yet");
        }
        if (!maskRoot.isOpen()) {
            throw new IllegalStateException("cannot " + what + ": the model was closed or the run released");
        }
    }

    /** A tensor's mask on a device, or null while nothing of it is pruned (tests). */
    NDArray maskOf(String displayName, Device device) {
        for (PrunedLayer layer : layers.values()) {
            if (layer.display.equals(displayName)) {
                return layer.maskOn(device, this::managerFor);
            }
        }
        throw new IllegalArgumentException("no pruned tensor named " + displayName);
    }

    /** A tensor's summed scores, or null (tests). */
    NDArray scoresOf(String displayName) {
        for (PrunedLayer layer : layers.values()) {
            if (layer.display.equals(displayName)) {
                return layer.scores();
            }
        }
        throw new IllegalArgumentException("no pruned tensor named " + displayName);
    }

    // ---------------------------------------------------------------- checkpoints

    /**
     * Writes the engine's state for a run checkpoint: the step, the position in the schedule (next
     * event, events done, the step of the last one), and per tensor the counts, the mask (once
     * something was pruned), the mask the run started from and the scores summed since the last
     * event — exactly, so a resumed run prunes what the uninterrupted one pruned.
     */
    void saveState(Path file) throws IOException {
        requireOpen("save the pruning state");
        JsonObject header = new JsonObject();
        header.addProperty("step", steps);
        header.addProperty("next", next);
        header.addProperty("done", done);
        header.addProperty("lastEventStep", lastEventStep);
        JsonArray entries = new JsonArray();
        try (NDManager scope = maskRoot.newSubManager(Device.cpu())) {
            NDList arrays = new NDList();
            for (PrunedLayer layer : layers.values()) {
                JsonObject e = new JsonObject();
                e.addProperty("parameter", layer.display);
                JsonArray shape = new JsonArray();
                for (long d : layer.shape.getShape()) {
                    shape.add(d);
                }
                e.add("shape", shape);
                e.addProperty("active", layer.active());
                e.addProperty("startActive", layer.startActive());
                NDArray mask = layer.anyMask();
                e.addProperty("masked", mask != null);
                e.addProperty("started", layer.startMask() != null);
                e.addProperty("scored", layer.scores() != null);
                entries.add(e);
                if (mask != null) {
                    NDArray bits = mask.toType(DataType.UINT8, true);
                    bits.attach(scope);
                    arrays.add(StateFile.hostCopy(bits, "mask:" + layer.display, scope));
                }
                if (layer.startMask() != null) {
                    arrays.add(StateFile.hostCopy(layer.startMask(), "start:" + layer.display, scope));
                }
                if (layer.scores() != null) {
                    arrays.add(StateFile.hostCopy(layer.scores(), "scores:" + layer.display, scope));
                }
            }
            header.add("tensors", entries);
            StateFile.write(file, STATE_KIND, header, arrays);
        }
    }

    /** Stages a checkpoint to replace the starting masks and any step-0 event when the engine binds. */
    void resumeFrom(StateFile.Contents contents) {
        if (begun) {
            throw new IllegalStateException(
                    "resume from a pruning checkpoint before the trainer is created, not after training has begun");
        }
        resume = contents;
    }

    private void restore(StateFile.Contents contents) {
        JsonArray entries = contents.header().getAsJsonArray("tensors");
        List<PrunedLayer> all = new ArrayList<>(layers.values());
        if (entries == null || entries.size() != all.size()) {
            throw new IllegalArgumentException(
                    "pruning checkpoint " + contents.file() + " does not match this model: it has "
                            + (entries == null ? 0 : entries.size()) + " pruned tensors, this run selects " + all.size());
        }
        long nextEvent = contents.getLong("next");
        if (nextEvent < 0 || nextEvent > events.size()) {
            throw new IllegalArgumentException(
                    "pruning checkpoint " + contents.file() + " is at event " + nextEvent + " of a schedule of "
                            + events.size() + " (was it saved with another schedule?)");
        }
        try (NDManager host = maskRoot.newSubManager(Device.cpu())) {
            Map<String, NDArray> arrays = contents.arrays(host);
            for (int i = 0; i < all.size(); i++) {
                PrunedLayer layer = all.get(i);
                JsonObject e = entries.get(i).getAsJsonObject();
                String name = e.get("parameter").getAsString();
                JsonArray shape = e.getAsJsonArray("shape");
                long[] dims = new long[shape.size()];
                for (int k = 0; k < dims.length; k++) {
                    dims[k] = shape.get(k).getAsLong();
                }
                if (!name.equals(layer.display) || !new Shape(dims).equals(layer.shape)) {
                    throw new IllegalArgumentException(
                            "pruning checkpoint " + contents.file() + " does not match this model: its tensor " + i
                                    + " is " + name + " " + new Shape(dims) + ", here " + layer.display + " "
                                    + layer.shape);
                }
                NDArray weight = layer.parameter.getArray();
                NDManager manager = managerFor(weight.getDevice());
                NDArray mask = e.get("masked").getAsBoolean()
                        ? owned(contents.require(arrays, "mask:" + name).toType(weight.getDataType(), false), weight.getDevice(), manager)
                        : null;
                NDArray start = e.get("started").getAsBoolean()
                        ? owned(contents.require(arrays, "start:" + name).toType(DataType.BOOLEAN, false), weight.getDevice(), manager)
                        : null;
                NDArray scores = e.get("scored").getAsBoolean()
                        ? owned(contents.require(arrays, "scores:" + name), devices[0], managerFor(devices[0]))
                        : null;
                layer.restore(mask, start, e.get("startActive").getAsLong(), e.get("active").getAsLong(), scores,
                        List.of(devices), this::managerFor);
            }
        }
        steps = contents.getLong("step");
        next = (int) nextEvent;
        done = (int) contents.getLong("done");
        lastEventStep = contents.getLong("lastEventStep");
    }

    private static NDArray owned(NDArray array, Device device, NDManager manager) {
        NDArray copy = StateFile.ownCopy(array, device);
        copy.attach(manager);
        return copy;
    }
}
