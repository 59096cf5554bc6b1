package io.svite.core.policy;

import io.svite.core.engine.MaskPolicy;
import io.svite.core.engine.MaskSet;
import io.svite.core.engine.MaskedTensor;
import io.svite.core.engine.PolicyContext;
import io.svite.core.ndarray.Tensors;
import io.svite.core.schedule.PruningEvent;
import io.svite.core.select.UniqueNames;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pruning during or around training — OMP, GMP and Taylor pruning: on each event of a pruning
 * schedule the selected weights are scored and, among the entries still kept, the lowest are pruned
 * until the selection has the event's sparsity, ranked globally or layer by layer. Counts are
 * exact, and an entry pruned once stays pruned: masks only shrink.
 *
 * <p>Before the first event nothing is masked. A gradient criterion (Taylor) is summed on the
 * device over the batches before an event. An event at step 0 and masks to start from are applied
 * when the policy binds, before the first forward pass; both need the model's weights then.
 */
public final class ScheduledPruning implements MaskPolicy {

    private static final Logger logger = LoggerFactory.getLogger(ScheduledPruning.class);

    private final PruningSettings settings;
    private final List<PruningEvent> events;
    private final List<MaskedTensor> tensors = new ArrayList<>();
    private final Map<MaskedTensor, ScoreSum> scores = new LinkedHashMap<>();
    private int next;
    private int done;
    private long lastEventStep;

    /**
     * The policy of one run.
     *
     * @param settings schedule, scope, criterion, selection, score window, start masks
     */
    public ScheduledPruning(PruningSettings settings) {
        this.settings = settings;
        this.events = settings.schedule().events();
    }

    @Override
    public String name() {
        return "pruning";
    }

    @Override
    public void begin(PolicyContext ctx) {
        settings.selector().checkNames(ctx.block());
        boolean weightsExist = ctx.block().getParameters().values().stream().allMatch(Parameter::isInitialized);
        if (weightsExist) {
            return;
        }
        if (ctx.resuming()) {
            throw new IllegalStateException(
                    "resuming a pruning run needs the model's weights before training begins; load the checkpoint's"
                            + " weights first");
        }
        if (settings.startFrom() != null || (!events.isEmpty() && events.get(0).step() == 0)) {
            throw new IllegalStateException(
                    (settings.startFrom() != null ? "starting from given masks" : "pruning at step 0")
                            + " needs the model's weights before training begins (a trained or loaded model),"
                            + " but this model is not initialised yet; train or load it first, or prune at a"
                            + " step >= 1");
        }
    }

    @Override
    public boolean installsAtBind() {
        return false;
    }

    @Override
    public boolean bind(PolicyContext ctx, Saved restored) {
        Map<String, Parameter> selected = settings.selector().select(ctx.block());
        if (selected.isEmpty()) {
            throw new IllegalArgumentException(
                    "the model has no parameter that the selector '" + settings.selector()
                            + "' picks, so there is nothing to prune (by default: trainable 2-D or 4-D"
                            + " weights); widen the selection with ParameterSelector.including(...)");
        }
        UniqueNames names = UniqueNames.of(ctx.block());
        for (Map.Entry<String, Parameter> e : selected.entrySet()) {
            Parameter p = e.getValue();
            MaskedTensor t = new MaskedTensor(e.getKey(), names.display(e.getKey()), names.layer(e.getKey()), p,
                    ctx.arrayOf(p).getShape());
            tensors.add(t);
            scores.put(t, new ScoreSum());
            ctx.register(t);
        }
        if (restored != null) {
            PruningState.restore(this, ctx, restored);
        } else if (settings.startFrom() != null) {
            installStart(ctx, settings.startFrom());
        }
        logger.info(
                String.format(
                        Locale.ROOT,
                        "pruning: %d tensors, %s, %s by %s%s%s",
                        tensors.size(),
                        settings.schedule(),
                        settings.scope(),
                        settings.criterion(),
                        settings.startFrom() == null || restored != null ? "" : ", starting from given masks",
                        restored == null ? "" : " (" + done + " events done)"));
        if (restored == null && !events.isEmpty() && events.get(0).step() == 0) {
            next = 1;
            prune(ctx, events.get(0), 0);
            return true;
        }
        return false;
    }

    private void installStart(PolicyContext ctx, MaskSet start) {
        Set<String> unused = new HashSet<>(start.names());
        for (MaskedTensor t : tensors) {
            if (!unused.remove(t.display())) {
                throw new IllegalArgumentException(
                        "the masks to start from have none for " + t.display() + "; they cover " + start.names());
            }
            Shape shape = start.shape(t.display());
            if (!shape.equals(t.shape())) {
                throw new IllegalArgumentException(
                        "the mask to start from for " + t.display() + " has shape " + shape + ", the weight " + t.shape());
            }
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("the masks to start from cover " + unused + ", which this run does not select");
        }
        for (MaskedTensor t : tensors) {
            NDArray weight = t.parameter().getArray();
            NDManager manager = ctx.managerFor(weight.getDevice());
            NDArray given = start.mask(t.display());
            NDArray ever = given.getDevice().equals(weight.getDevice())
                    ? given.duplicate()
                    : given.toDevice(weight.getDevice(), true);
            ever.attach(manager);
            NDArray mask = ever.toType(weight.getDataType(), false);
            long count = Tensors.nonZeros(ever);
            t.replaceEverActive(ever, manager);
            t.setActive(count);
            t.replaceMasks(mask, List.of(), d -> manager);
            weight.muli(mask);
        }
    }

    @Override
    public boolean beforeStep(PolicyContext ctx, long step) {
        if (next >= events.size()) {
            return false;
        }
        for (MaskedTensor t : tensors) {
            for (Device d : ctx.devices()) {
                if (ctx.copyOn(t.parameter(), d) == null) {
                    logger.warn("pruning at step {} postponed: not every device copy has been seen yet", step);
                    return false;
                }
            }
        }
        if (settings.criterion().usesGradient() && inScoreWindow(step)) {
            addScores(ctx);
        }
        PruningEvent due = null;
        while (next < events.size() && events.get(next).step() <= step) {
            due = events.get(next++);
        }
        if (due == null) {
            return false;
        }
        prune(ctx, due, step);
        return true;
    }

    /** Whether step t's batch belongs to the sum of scores for the next event. */
    private boolean inScoreWindow(long t) {
        long eventStep = events.get(next).step();
        long window = settings.scoreWindow();
        return t > lastEventStep && (window == 0 || t > eventStep - window);
    }

    private void addScores(PolicyContext ctx) {
        Device first = ctx.devices().get(0);
        for (MaskedTensor t : tensors) {
            try (NDManager scope = ctx.managerFor(first).newSubManager()) {
                NDArray gradient = ctx.gradientSum(t.parameter(), scope);
                NDArray weight = Tensors.scoped(scope, ctx.copyOn(t.parameter(), first).reshape(t.shape()));
                scores.get(t).add(Tensors.scoped(scope, settings.criterion().score(weight, gradient)), ctx.managerFor(first));
            }
        }
    }

    private void prune(PolicyContext ctx, PruningEvent event, long step) {
        long started = System.nanoTime();
        Device first = ctx.devices().get(0);
        try (NDManager scope = ctx.managerFor(first).newSubManager()) {
            List<NDArray> scored = new ArrayList<>();
            List<NDArray> masks = new ArrayList<>();
            for (MaskedTensor t : tensors) {
                scored.add(scoreForEvent(ctx, t, scope));
                masks.add(t.maskOn(first, ctx::managerFor));
            }
            List<NDArray> kept = new ArrayList<>();
            var perLayer = settings.scope().perLayerAt(event.sparsity());
            if (perLayer.isPresent()) {
                Map<String, Shape> shapes = new LinkedHashMap<>();
                tensors.forEach(t -> shapes.put(t.display(), t.shape()));
                Map<String, Long> targets = DynamicMasks.targetCounts(perLayer.get(), shapes);
                for (int i = 0; i < tensors.size(); i++) {
                    MaskedTensor t = tensors.get(i);
                    long keep = Math.min(t.active(), targets.get(t.display()));
                    kept.add(MaskShrink.layer(scope, scored.get(i), masks.get(i), t.size() - keep));
                }
            } else {
                long total = tensors.stream().mapToLong(MaskedTensor::size).sum();
                long pruned = tensors.stream().mapToLong(t -> t.size() - t.active()).sum();
                long prune = Math.min(total - 1, Math.max(pruned, Math.round(event.sparsity() * total)));
                kept = MaskShrink.global(scope, scored, masks, prune);
            }
            for (int i = 0; i < tensors.size(); i++) {
                apply(ctx, tensors.get(i), kept.get(i), scope);
            }
        }
        if (next >= events.size()) {
            scores.values().forEach(ScoreSum::drop);
        }
        done++;
        lastEventStep = step;
        if (logger.isInfoEnabled()) {
            long nonZeros = tensors.stream().mapToLong(MaskedTensor::active).sum();
            long size = tensors.stream().mapToLong(MaskedTensor::size).sum();
            logger.info(
                    String.format(
                            Locale.ROOT,
                            "pruning event %d at step %d: target %.4f, sparsity now %.4f (%,d of %,d active), %.1f ms",
                            done, step, event.sparsity(), 1 - (double) nonZeros / size, nonZeros, size,
                            (System.nanoTime() - started) / 1e6));
        }
    }

    /** The score of every entry for this event, attached to the scope. */
    private NDArray scoreForEvent(PolicyContext ctx, MaskedTensor t, NDManager scope) {
        if (settings.criterion().usesGradient()) {
            NDArray sum = scores.get(t).sum();
            if (sum == null) {
                throw new IllegalStateException(
                        "no gradient scores were summed for " + t.display() + " before the pruning event; the"
                                + " score window is empty");
            }
            return Tensors.scoped(scope, sum.reshape(t.shape()));
        }
        NDArray weight = Tensors.scoped(scope, ctx.copyOn(t.parameter(), ctx.devices().get(0)).reshape(t.shape()));
        return Tensors.scoped(scope, settings.criterion().score(weight, weight.zerosLike()));
    }

    /** Installs a new 0/1 mask on every copy, zeroes the pruned weights, tells the optimizer. */
    private void apply(PolicyContext ctx, MaskedTensor t, NDArray keep, NDManager scope) {
        Device first = ctx.devices().get(0);
        NDArray old = t.maskOn(first, ctx::managerFor);
        NDArray before = old != null
                ? Tensors.scoped(scope, old.reshape(t.shape()))
                : scope.ones(t.shape(), keep.getDataType(), first);
        NDArray pruned = before.sub(keep);
        long count = Tensors.nonZeros(keep);
        if (old != null && count == t.active()) {
            scores.get(t).reset();
            return;
        }
        for (Device d : ctx.devices()) {
            NDArray copy = ctx.copyOn(t.parameter(), d);
            if (copy != null) {
                copy.muli(Tensors.onDevice(keep, d, scope));
            }
        }
        NDArray master = t.parameter().getArray();
        if (ctx.copyOn(t.parameter(), master.getDevice()) != master) {
            master.muli(Tensors.onDevice(keep, master.getDevice(), scope));
        }
        if (ctx.maskAware() && count < t.active()) {
            NDArray none = pruned.zerosLike();
            for (Device d : ctx.devices()) {
                ctx.maskChanged(t.parameter(), d, Tensors.onDevice(pruned, d, scope), Tensors.onDevice(none, d, scope));
            }
        }
        t.replaceMasks(keep, ctx.devices(), ctx::managerFor);
        t.setActive(count);
        scores.get(t).reset();
    }

    @Override
    public List<MaskedTensor> tensors() {
        return List.copyOf(tensors);
    }

    /**
     * A tensor's summed scores, for tests.
     *
     * @param display the tensor's display name
     * @return the sum, or null
     */
    NDArray scoresOf(String display) {
        MaskedTensor tensor = tensors.stream().filter(t -> t.display().equals(display)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pruned tensor named " + display));
        return scores.get(tensor).sum();
    }

    @Override
    public void save(JsonObject header, NDList arrays, NDManager host) {
        PruningState.save(this, header, arrays, host);
    }

    PruningSettings settings() {
        return settings;
    }

    Map<MaskedTensor, ScoreSum> scores() {
        return scores;
    }

    int next() {
        return next;
    }

    int done() {
        return done;
    }

    long lastEventStep() {
        return lastEventStep;
    }

    void position(int next, int done, long lastEventStep) {
        this.next = next;
        this.done = done;
        this.lastEventStep = lastEventStep;
    }

    List<MaskedTensor> selected() {
        return tensors;
    }
}
