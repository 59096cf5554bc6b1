package io.svite.core.policy;

import io.svite.core.checkpoint.MaskCheckpoint;
import io.svite.core.checkpoint.StateFile;
import io.svite.core.criteria.GrowCriterion;
import io.svite.core.criteria.PruneCriterion;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.engine.MaskPolicy;
import io.svite.core.engine.MaskedTensor;
import io.svite.core.engine.PolicyContext;
import io.svite.core.ndarray.Tensors;
import io.svite.core.schedule.UpdateSchedule;
import io.svite.core.select.ParameterSelector;
import io.svite.core.select.UniqueNames;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SViTE's unstructured dynamic sparsity: every selected weight keeps exactly round(d · size) active
 * entries, d from the {@link SparsityDistribution}, the first ones drawn from the seed; on update
 * steps ⌈α_t · active⌉ active entries with the lowest prune score are replaced by the inactive
 * entries with the highest grow score (on the dense gradient of the batch), which start at 0.
 * Layers the distribution keeps dense get no mask.
 */
public final class DynamicMasks implements MaskPolicy {

    private static final Logger logger = LoggerFactory.getLogger(DynamicMasks.class);

    /**
     * What SViTE's masks are made of.
     *
     * @param distribution how the overall sparsity is spread over the layers
     * @param prune how active weights are scored for pruning
     * @param grow how inactive weights are scored for growing
     * @param selector which parameters get masks
     * @param seed the seed of the initial masks
     */
    public record Settings(
            SparsityDistribution distribution, PruneCriterion prune, GrowCriterion grow, ParameterSelector selector,
            long seed) {}

    private final Settings settings;
    private final UpdateSchedule schedule;
    private final List<MaskedTensor> tensors = new ArrayList<>();
    private final Map<MaskedTensor, Long> targets = new HashMap<>();

    /**
     * The policy of one run.
     *
     * @param settings the masks' settings
     * @param schedule when to update and how many
     */
    public DynamicMasks(Settings settings, UpdateSchedule schedule) {
        this.settings = settings;
        this.schedule = schedule;
    }

    @Override
    public String name() {
        return "svite";
    }

    /**
     * Exact active counts: round(density · size), at least 1 and at most size.
     *
     * @param distribution the distribution
     * @param shapes the selected tensors' shapes by display name
     * @return active counts by display name
     */
    public static Map<String, Long> targetCounts(SparsityDistribution distribution, Map<String, Shape> shapes) {
        Map<String, Double> densities = distribution.densities(shapes);
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            long size = e.getValue().size();
            long count = Math.round(densities.get(e.getKey()) * size);
            out.put(e.getKey(), Math.max(1, Math.min(size, count)));
        }
        return out;
    }

    @Override
    public void begin(PolicyContext ctx) {
        settings.selector().checkNames(ctx.block());
    }

    @Override
    public boolean bind(PolicyContext ctx, Saved restored) {
        Block block = ctx.block();
        Map<String, Parameter> selected = settings.selector().select(block);
        if (selected.isEmpty()) {
            throw new IllegalArgumentException(
                    "the model has no parameter that the selector '" + settings.selector()
                            + "' picks, so there is nothing to make sparse (by default: trainable 2-D or 4-D"
                            + " weights); widen the selection with ParameterSelector.including(...)");
        }
        UniqueNames names = UniqueNames.of(block);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        selected.forEach((name, p) -> shapes.put(names.display(name), ctx.arrayOf(p).getShape()));
        Map<String, Long> counts = targetCounts(settings.distribution(), shapes);
        for (Map.Entry<String, Parameter> e : selected.entrySet()) {
            String display = names.display(e.getKey());
            MaskedTensor t = new MaskedTensor(e.getKey(), display, names.layer(e.getKey()), e.getValue(), shapes.get(display));
            tensors.add(t);
            targets.put(t, counts.get(display));
            ctx.register(t);
        }
        if (restored != null) {
            restore(ctx, restored);
        } else {
            installInitialMasks(ctx);
        }
        if (logger.isInfoEnabled()) {
            long dense = tensors.stream().filter(this::dense).count();
            logger.info(
                    String.format(
                            Locale.ROOT,
                            "SViTE: %d tensors under %s (%d dense), %s, prune %s, grow %s",
                            tensors.size(),
                            settings.distribution(),
                            dense,
                            schedule,
                            settings.prune(),
                            settings.grow()));
        }
        return false;
    }

    private boolean dense(MaskedTensor t) {
        return targets.get(t) == t.size();
    }

    private void installInitialMasks(PolicyContext ctx) {
        for (MaskedTensor t : tensors) {
            if (dense(t)) {
                continue;
            }
            NDArray weight = ctx.arrayOf(t.parameter());
            NDManager manager = ctx.managerFor(weight.getDevice());
            long active = targets.get(t);
            float[] values = InitialMasks.draw(settings.seed(), t.display(), t.size(), active);
            NDArray mask = manager.create(values, t.shape()).toType(weight.getDataType(), false);
            install(t, weight, mask, mask.toType(DataType.BOOLEAN, true), manager, active);
        }
    }

    private static void install(MaskedTensor t, NDArray weight, NDArray mask, NDArray ever, NDManager manager, long active) {
        t.install(mask, ever, manager);
        t.setActive(active);
        weight.muli(mask);
    }

    @Override
    public boolean beforeStep(PolicyContext ctx, long step) {
        return schedule.isUpdateStep(step) && rewrite(ctx, step);
    }

    private boolean rewrite(PolicyContext ctx, long step) {
        List<Device> devices = ctx.devices();
        for (MaskedTensor t : tensors) {
            if (dense(t)) {
                continue;
            }
            for (Device d : devices) {
                if (ctx.copyOn(t.parameter(), d) == null) {
                    logger.warn(
                            "mask update at step {} skipped: the copy of {} on {} has not been seen yet (first step"
                                    + " after resuming on several devices)",
                            step,
                            t.display(),
                            d);
                    return false;
                }
            }
        }
        double alpha = schedule.pruneFraction(step);
        long replaced = 0;
        Device first = devices.get(0);
        for (MaskedTensor t : tensors) {
            if (dense(t)) {
                continue;
            }
            long r = Math.min(t.active(), (long) Math.ceil(alpha * t.active()));
            if (r <= 0) {
                continue;
            }
            replaced += r;
            try (NDManager scope = ctx.managerFor(first).newSubManager()) {
                rewrite(ctx, t, r, scope);
            }
        }
        logger.debug("mask update at step {}: α {}, {} weights replaced", step, alpha, replaced);
        return true;
    }

    private void rewrite(PolicyContext ctx, MaskedTensor t, long r, NDManager scope) {
        Device first = ctx.devices().get(0);
        Parameter p = t.parameter();
        NDArray gradient = ctx.gradientSum(p, scope);
        NDArray mask = t.maskOn(first, ctx::managerFor);
        MaskRewrite.Outcome o =
                MaskRewrite.rewrite(scope, mask, ctx.copyOn(p, first), gradient, r, settings.prune(), settings.grow());
        NDArray ever = Tensors.onDevice(t.everActive(), first, scope);
        NDArray active = o.mask().toType(DataType.BOOLEAN, false);
        t.replaceEverActive(active.logicalOr(ever), ctx.managerFor(first));
        for (Device d : ctx.devices()) {
            ctx.copyOn(p, d).muli(Tensors.onDevice(o.kept(), d, scope));
        }
        if (ctx.maskAware()) {
            for (Device d : ctx.devices()) {
                ctx.maskChanged(p, d, Tensors.onDevice(o.pruned(), d, scope), Tensors.onDevice(o.grown(), d, scope));
            }
        }
        t.replaceMasks(o.mask(), ctx.devices(), ctx::managerFor);
    }

    /**
     * The update steps of this run's schedule in 1..step (for mask files written before they held
     * the update count).
     *
     * @param step the last step done
     * @return the number of updates by then
     */
    public long updatesUpTo(long step) {
        long n = 0;
        for (long t = 1; t <= step; t++) {
            if (schedule.isUpdateStep(t)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public List<MaskedTensor> tensors() {
        return List.copyOf(tensors);
    }

    // ---------------------------------------------------------------- checkpoints

    @Override
    public void save(JsonObject header, NDList arrays, NDManager host) {
        header.addProperty("seed", settings.seed());
        JsonArray entries = new JsonArray();
        for (MaskedTensor t : tensors) {
            entries.add(new MaskCheckpoint.Entry(t.display(), t.shape().getShape(), t.active()).json());
            if (!dense(t)) {
                arrays.add(StateFile.hostCopy(t.anyMask(), "mask:" + t.display(), host));
                arrays.add(StateFile.hostCopy(t.everActive(), "ever:" + t.display(), host));
            }
        }
        header.add("tensors", entries);
    }

    private void restore(PolicyContext ctx, Saved saved) {
        Map<String, MaskCheckpoint.Entry> entries = new LinkedHashMap<>();
        for (JsonElement el : saved.header().getAsJsonArray("tensors")) {
            MaskCheckpoint.Entry e = MaskCheckpoint.Entry.of(el.getAsJsonObject());
            entries.put(e.parameter(), e);
        }
        for (MaskedTensor t : tensors) {
            MaskCheckpoint.Entry e = entries.remove(t.display());
            if (e == null) {
                throw mismatch(saved, "it has no entry for " + t.display());
            }
            if (!Arrays.equals(e.shape(), t.shape().getShape())) {
                throw mismatch(saved, t.display() + " has shape " + new Shape(e.shape()) + " there but " + t.shape()
                        + " in the model");
            }
            long active = e.active();
            if (active != targets.get(t)) {
                throw mismatch(
                        saved,
                        String.format(
                                Locale.ROOT,
                                "%s has %d active entries there but %d under %s (was it saved with another sparsity"
                                        + " or distribution?)",
                                t.display(),
                                active,
                                targets.get(t),
                                settings.distribution()));
            }
        }
        if (!entries.isEmpty()) {
            throw mismatch(saved, "it has masks for " + entries.keySet() + ", which this run does not make sparse");
        }
        for (MaskedTensor t : tensors) {
            if (dense(t)) {
                continue;
            }
            NDArray weight = ctx.arrayOf(t.parameter());
            NDManager manager = ctx.managerFor(weight.getDevice());
            NDArray m = owned(saved.require("mask:" + t.display()), weight.getDataType(), weight.getDevice(), manager);
            NDArray e = owned(saved.require("ever:" + t.display()), DataType.BOOLEAN, weight.getDevice(), manager);
            long count = Tensors.nonZeros(m);
            if (!m.getShape().equals(t.shape()) || count != targets.get(t)) {
                throw mismatch(saved, t.display() + "'s mask has " + count + " active entries, its header says " + targets.get(t));
            }
            install(t, weight, m, e, manager, targets.get(t));
        }
    }

    /** A copy of a decoded array on a device, of a data type, owned by the manager. */
    static NDArray owned(NDArray decoded, DataType type, Device device, NDManager manager) {
        NDArray copy = StateFile.ownCopy(decoded, device);
        copy.attach(manager);
        NDArray typed = copy.toType(type, false);
        if (typed != copy) {
            copy.close();
            typed.attach(manager);
        }
        return typed;
    }

    private static IllegalArgumentException mismatch(Saved saved, String why) {
        return new IllegalArgumentException("checkpoint " + saved.file() + " does not match this model: " + why);
    }
}
