package io.svite.core;

import io.svite.core.checkpoint.MaskCheckpoint;
import io.svite.core.report.LayerSparsity;
import io.svite.core.report.SparsityReport;
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
import ai.djl.training.initializer.Initializer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;

import io.svite.core.optimizer.MaskAwareOptimizer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The state of one sparse training run: binds to the model when training begins, keeps the masks,
 * masks every optimizer update and rewrites the masks on update steps.
 *
 * <p>All work happens on the training thread. Per step it does two in-place multiplications per
 * sparse parameter copy and nothing else; a rewrite runs on the first training device, inside a
 * scope that is closed before the step, and is copied to the other devices.
 */
final class SparseState implements EngineState {

    private static final Logger logger = LoggerFactory.getLogger(SparseState.class);

    private final SparseTrainer recipe;
    private final Optimizer delegate;

    private Block block;
    private Device[] devices;
    private NDManager maskRoot;
    private final Map<Device, NDManager> managers = new HashMap<>();
    private final Map<String, SparseLayer> layers = new LinkedHashMap<>();

    private final Map<String, Parameter> awaited = new LinkedHashMap<>();
    private final Map<String, BindingInitializer> wrappers = new HashMap<>();
    private final Map<String, NDArray> fresh = new HashMap<>();

    private boolean begun;
    private boolean bound;
    private long steps;
    private long rewrites;
    private long lastRewriteNanos;
    private String anchorId;
    private MaskCheckpoint.Contents resume;
    private SparsityReport lastReport;

    SparseState(SparseTrainer recipe, Optimizer delegate) {
        this.recipe = recipe;
        this.delegate = delegate;
    }

    // ---------------------------------------------------------------- binding

    /** Called from {@code onTrainingBegin}, i.e. from the Trainer's constructor. */
    @Override
    public void begin(Trainer trainer) {
        if (begun) {
            throw new IllegalStateException(
                    "this sparse training configuration has already driven a training run; call"
                            + " SparseTrainer.configure(...) again for a new run");
        }
        begun = true;
        Model model = trainer.getModel();
        block = model.getBlock();
        devices = trainer.getDevices().clone();
        maskRoot = model.getNDManager().newSubManager();
        maskRoot.setName("svite-masks");
        recipe.selector().checkNames(block);
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            if (!param.isInitialized() && param.getInitializer() != null) {
                awaited.put(param.getId(), param);
            }
        }
        if (awaited.isEmpty()) {
            bind();
        } else {
            for (Parameter param : awaited.values()) {
                wrappers.put(param.getId(), BindingInitializer.install(param, this::initialized));
            }
        }
    }

    /** Called by a {@link BindingInitializer} with the array its parameter just received. */
    void initialized(Parameter parameter, NDArray array) {
        if (awaited.remove(parameter.getId()) == null) {
            return;
        }
        fresh.put(parameter.getId(), array);
        restoreInitializer(parameter);
        if (awaited.isEmpty()) {
            bind();
        }
    }

    private void restoreInitializer(Parameter parameter) {
        BindingInitializer wrapper = wrappers.remove(parameter.getId());
        if (wrapper != null) {
            wrapper.unwrap();
        }
    }

    /** Binds now if the initializers never fired (arrays set by other means); the first pass was then dense. */
    private void ensureBound() {
        if (bound) {
            return;
        }
        if (!begun) {
            throw new IllegalStateException(
                    "the sparse optimizer was used without its training listener; create the Trainer from"
                            + " the TrainingConfig that SparseTrainer.configure(...) returned");
        }
        logger.warn(
                "masks installed only at the first step: the model's arrays were not created by trainer.initialize(...)"
                        + " nor present when the trainer was created, so the first forward pass was dense");
        awaited.values().forEach(this::restoreInitializer);
        awaited.clear();
        bind();
    }

    private NDArray arrayOf(Parameter parameter) {
        NDArray a = fresh.get(parameter.getId());
        return a != null ? a : parameter.getArray();
    }

    private void bind() {
        Map<String, Parameter> selected = recipe.selector().select(block);
        if (selected.isEmpty()) {
            throw new IllegalArgumentException(
                    "the model has no parameter that the selector '" + recipe.selector()
                            + "' picks, so there is nothing to make sparse (by default: trainable 2-D or 4-D"
                            + " weights); widen the selection with ParameterSelector.including(...)");
        }
        UniqueNames names = UniqueNames.of(block);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : selected.entrySet()) {
            shapes.put(names.display(e.getKey()), arrayOf(e.getValue()).getShape());
        }
        Map<String, Long> targets = recipe.targetCounts(shapes);
        for (Map.Entry<String, Parameter> e : selected.entrySet()) {
            Parameter p = e.getValue();
            String display = names.display(e.getKey());
            layers.put(
                    p.getId(),
                    new SparseLayer(
                            e.getKey(), display, names.layer(e.getKey()), p, shapes.get(display), targets.get(display)));
        }
        if (resume != null) {
            installFromCheckpoint(resume);
            steps = resume.step();
            rewrites = resume.updates() >= 0 ? resume.updates() : updatesUpTo(resume.step());
            resume = null;
        } else {
            installInitialMasks();
        }
        anchorId = layers.keySet().iterator().next();
        fresh.clear();
        bound = true;
        if (logger.isInfoEnabled()) {
            long dense = layers.values().stream().filter(SparseLayer::dense).count();
            logger.info(
                    String.format(
                            Locale.ROOT,
                            "SViTE: %d tensors under %s (%d dense), %s, prune %s, grow %s, from step %d",
                            layers.size(),
                            recipe.distribution(),
                            dense,
                            recipe.schedule(),
                            recipe.prune(),
                            recipe.grow(),
                            steps));
        }
    }

    /** The update steps of the schedule in 1..step (for checkpoints written before they held the count). */
    private long updatesUpTo(long step) {
        long n = 0;
        for (long t = 1; t <= step; t++) {
            if (recipe.schedule().isUpdateStep(t)) {
                n++;
            }
        }
        return n;
    }

    private void installInitialMasks() {
        for (SparseLayer layer : layers.values()) {
            if (layer.dense()) {
                continue;
            }
            NDArray weight = arrayOf(layer.parameter);
            NDManager manager = managerFor(weight.getDevice());
            float[] values = InitialMasks.draw(recipe.seed(), layer.display, layer.size, layer.active);
            NDArray mask = manager.create(values, layer.shape).toType(weight.getDataType(), false);
            install(layer, weight, mask, mask.toType(DataType.BOOLEAN, true));
        }
    }

    private void install(SparseLayer layer, NDArray weight, NDArray mask, NDArray ever) {
        NDManager manager = managerFor(weight.getDevice());
        layer.install(mask, ever, manager);
        weight.muli(mask);
    }

    private void installFromCheckpoint(MaskCheckpoint.Contents contents) {
        Map<String, MaskCheckpoint.Entry> entries = new HashMap<>();
        contents.entries().forEach(en -> entries.put(en.parameter(), en));
        for (SparseLayer layer : layers.values()) {
            MaskCheckpoint.Entry en = entries.remove(layer.display);
            if (en == null) {
                throw mismatch(contents, "it has no entry for " + layer.display);
            }
            if (!Arrays.equals(en.shape(), layer.shape.getShape())) {
                throw mismatch(
                        contents,
                        layer.display + " has shape " + new Shape(en.shape()) + " there but " + layer.shape + " in the model");
            }
            if (en.active() != layer.active) {
                throw mismatch(
                        contents,
                        String.format(
                                Locale.ROOT,
                                "%s has %d active entries there but %d under %s (was it saved with another sparsity"
                                        + " or distribution?)",
                                layer.display,
                                en.active(),
                                layer.active,
                                recipe.distribution()));
            }
        }
        if (!entries.isEmpty()) {
            throw mismatch(contents, "it has masks for " + entries.keySet() + ", which this run does not make sparse");
        }
        NDManager host = maskRoot.newSubManager(Device.cpu());
        try {
            NDList arrays = contents.decode(host);
            for (SparseLayer layer : layers.values()) {
                if (layer.dense()) {
                    continue;
                }
                NDArray weight = arrayOf(layer.parameter);
                NDArray mask = arrays.get(MaskCheckpoint.maskKey(layer.display));
                NDArray ever = arrays.get(MaskCheckpoint.everKey(layer.display));
                if (mask == null || ever == null || !mask.getShape().equals(layer.shape)) {
                    throw mismatch(contents, "the arrays for " + layer.display + " are missing or malformed");
                }
                NDArray m = mask.toDevice(weight.getDevice(), true).toType(weight.getDataType(), true);
                NDArray e = ever.toDevice(weight.getDevice(), true).toType(DataType.BOOLEAN, true);
                long count = count(m);
                if (count != layer.active) {
                    throw mismatch(contents, layer.display + "'s mask has " + count + " active entries, its header says " + layer.active);
                }
                install(layer, weight, m, e);
            }
        } finally {
            host.close();
        }
    }

    private static IllegalArgumentException mismatch(MaskCheckpoint.Contents contents, String why) {
        return new IllegalArgumentException("mask checkpoint " + contents.file() + " does not match this model: " + why);
    }

    private NDManager managerFor(Device device) {
        return managers.computeIfAbsent(device, d -> maskRoot.newSubManager(d));
    }

    // ---------------------------------------------------------------- training

    /** Masks the gradient, delegates, masks the weight; counts steps on the anchor parameter. */
    void update(String parameterId, NDArray weight, NDArray grad) {
        if (!bound) {
            ensureBound();
        }
        SparseLayer layer = layers.get(parameterId);
        if (layer == null || layer.dense()) {
            delegate.update(parameterId, weight, grad);
        } else {
            layer.rememberCopy(weight);
            NDArray mask = layer.maskOn(weight.getDevice(), this::managerFor);
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
        if (recipe.schedule().isUpdateStep(t)) {
            rewrite(t);
        }
    }

    private void rewrite(long step) {
        double alpha = recipe.schedule().pruneFraction(step);
        for (SparseLayer layer : layers.values()) {
            if (layer.dense()) {
                continue;
            }
            for (Device d : devices) {
                if (layer.copyOn(d) == null) {
                    logger.warn(
                            "mask update at step {} skipped: the copy of {} on {} has not been seen yet (first step"
                                    + " after resuming on several devices)",
                            step,
                            layer.display,
                            d);
                    return;
                }
            }
        }
        long started = System.nanoTime();
        long replaced = 0;
        Device first = devices[0];
        List<Device> all = List.of(devices);
        for (SparseLayer layer : layers.values()) {
            if (layer.dense()) {
                continue;
            }
            long r = Math.min(layer.active, (long) Math.ceil(alpha * layer.active));
            if (r <= 0) {
                continue;
            }
            replaced += r;
            try (NDManager scope = managerFor(first).newSubManager()) {
                NDArray gradient = gradientSum(layer, scope);
                NDArray mask = layer.maskOn(first, this::managerFor);
                MaskRewrite.Outcome o =
                        MaskRewrite.rewrite(
                                scope, mask, layer.copyOn(first), gradient, r, recipe.prune(), recipe.grow());
                NDArray ever = layer.everActive();
                if (!ever.getDevice().equals(first)) {
                    ever = ever.toDevice(first, true);
                    ever.attach(scope);
                }
                NDArray active = o.mask().toType(DataType.BOOLEAN, false);
                layer.replaceEverActive(active.logicalOr(ever), managerFor(first));
                for (Device d : devices) {
                    layer.copyOn(d).muli(onDevice(o.kept(), d, scope));
                }
                if (delegate instanceof MaskAwareOptimizer) {
                    MaskAwareOptimizer aware = (MaskAwareOptimizer) delegate;
                    for (Device d : devices) {
                        aware.onMaskUpdate(
                                layer.parameter.getId(), d, onDevice(o.pruned(), d, scope), onDevice(o.grown(), d, scope));
                    }
                }
                layer.replaceMasks(o.mask(), all, this::managerFor);
            }
        }
        rewrites++;
        lastRewriteNanos = System.nanoTime() - started;
        if (logger.isDebugEnabled()) {
            logger.debug(
                    String.format(
                            Locale.ROOT,
                            "mask update %d at step %d: α %.4f, %d weights replaced in %.1f ms",
                            rewrites,
                            step,
                            alpha,
                            replaced,
                            lastRewriteNanos / 1e6));
        }
    }

    private static NDArray onDevice(NDArray array, Device device, NDManager scope) {
        if (array.getDevice().equals(device)) {
            return array;
        }
        NDArray copy = array.toDevice(device, true);
        copy.attach(scope);
        return copy;
    }

    /** The dense gradient of every device copy, summed on the first device, attached to the scope. */
    private NDArray gradientSum(SparseLayer layer, NDManager scope) {
        NDArray sum = null;
        for (Device d : devices) {
            NDArray g = layer.copyOn(d).getGradient();
            g.attach(scope);
            g = onDevice(g, devices[0], scope);
            sum = sum == null ? g : sum.add(g);
        }
        return sum;
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
                        "SViTE step %d: sparsity %.2f %% (%,d of %,d weights active), %d mask updates",
                        report.step(),
                        100 * report.sparsity(),
                        report.nonZeros(),
                        report.size(),
                        rewrites));
        if (logger.isDebugEnabled()) {
            logger.debug("\n" + report.text());
        }
        Metrics metrics = trainer.getMetrics();
        if (metrics != null) {
            metrics.addMetric("sparsity", report.sparsity());
            for (LayerSparsity l : report.layers()) {
                metrics.addMetric("density_" + l.parameter(), l.density());
            }
        }
    }

    @Override
    public void end() {
        if (bound && maskRoot.isOpen()) {
            lastReport = report();
        }
    }

    // ---------------------------------------------------------------- reporting and checkpoints

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
        for (SparseLayer layer : layers.values()) {
            long nonZeros = layer.size;
            long ever = layer.size;
            if (!layer.dense()) {
                nonZeros = count(layer.anyMask());
                ever = count(layer.everActive());
            }
            out.add(new LayerSparsity(layer.layer, layer.display, layer.shape.getShape(), layer.size, nonZeros, ever));
        }
        return new SparsityReport(steps, rewrites, out);
    }

    /** Non-zero entries, read to the host (reports and checkpoints only, never per step). */
    static long count(NDArray mask) {
        try (NDManager scope = mask.getManager().newSubManager()) {
            NDArray nonZero = temporary(mask, mask.toType(DataType.BOOLEAN, false), scope);
            NDArray sum = temporary(mask, nonZero.sum(), scope);
            return temporary(mask, sum.toType(DataType.INT64, false), scope).getLong();
        }
    }

    /** Moves an op's result into the scope, unless the op returned its (persistent) input itself. */
    private static NDArray temporary(NDArray input, NDArray result, NDManager scope) {
        if (result != input) {
            result.attach(scope);
        }
        return result;
    }

    /** A sparse parameter's mask on a device, or null for a dense or unselected one (tests, checks). */
    NDArray maskById(String parameterId, Device device) {
        SparseLayer layer = layers.get(parameterId);
        return layer == null || layer.dense() ? null : layer.maskOn(device, this::managerFor);
    }

    /** Read-only view of a layer's mask on a device, for tests in this package. */
    NDArray maskOf(String displayName, Device device) {
        for (SparseLayer layer : layers.values()) {
            if (layer.display.equals(displayName)) {
                return layer.dense() ? null : layer.maskOn(device, this::managerFor);
            }
        }
        throw new IllegalArgumentException("no sparse tensor named " + displayName);
    }

    void save(Path file) throws IOException {
        if (!bound) {
            throw new IllegalStateException("nothing to save: no training has started with this configuration yet");
        }
        if (!maskRoot.isOpen()) {
            throw new IllegalStateException("the model was closed; save the masks before closing it");
        }
        MaskCheckpoint.write(file, steps, rewrites, recipe.seed(), SparseLayer.tensors(layers.values()));
    }

    void resumeFrom(MaskCheckpoint.Contents contents) {
        if (begun) {
            throw new IllegalStateException(
                    "resume from a mask checkpoint before the trainer is created, not after training has begun");
        }
        resume = contents;
    }
}
