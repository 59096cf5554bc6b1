package io.svite.core.engine;

import io.svite.core.report.LayerSparsity;
import io.svite.core.report.SparsityReport;
import io.svite.core.report.UnitGroupReport;
import io.svite.core.report.UnitReport;
import io.svite.core.training.ArrayWait;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sparse training run: binds its {@link MaskPolicy}s to the model when training begins, routes
 * every optimizer update (masking masked tensors, never passing gates on), counts steps, runs the
 * policies on every training batch, and reports.
 *
 * <p>All work happens on the training thread. Per step and masked parameter copy it does two
 * in-place multiplications; per gate it zeroes the gradient. Policies' updates run on the first
 * training device inside scopes they close before the step. Persistent arrays live in one manager
 * under the model's, so the model manager's array count stays constant across steps.
 */
public final class SparseEngine {

    private static final Logger logger = LoggerFactory.getLogger(SparseEngine.class);

    private final List<MaskPolicy> policies;
    private final Optimizer delegate;
    private final String recipeName;
    private final EngineContext context;

    private ArrayWait wait;
    private EngineCheckpoint.Staged resume;
    private boolean begun;
    private boolean bound;
    private long steps;
    private long updates;
    private long lastUpdateNanos;
    private String anchorId;
    private Device anchorDevice;
    private SparsityReport lastReport;
    private UnitReport lastUnits;
    private Map<String, List<Integer>> lastActive;
    private final TimelineRecorder timeline = new TimelineRecorder();

    /**
     * An engine for one run.
     *
     * @param policies the recipe's policies, in the order they run
     * @param delegate the user's optimizer, which the engine's optimizer wraps
     * @param recipeName names the recipe in messages, e.g. {@code SparseTrainer}
     */
    public SparseEngine(List<MaskPolicy> policies, Optimizer delegate, String recipeName) {
        this.policies = List.copyOf(policies);
        this.delegate = delegate;
        this.recipeName = recipeName;
        this.context = new EngineContext(delegate, () -> resume != null, () -> steps);
    }

    /**
     * A new optimizer decorator of this run.
     *
     * @return the decorator around the delegate
     */
    public MaskedOptimizer optimizer() {
        return new MaskedOptimizer(delegate, this);
    }

    /**
     * A new training listener of this run.
     *
     * @return the listener
     */
    public EngineListener listener() {
        return new EngineListener(this);
    }

    /**
     * The user's optimizer.
     *
     * @return the delegate
     */
    public Optimizer delegate() {
        return delegate;
    }

    /**
     * The policies, in order.
     *
     * @return the policies
     */
    public List<MaskPolicy> policies() {
        return policies;
    }

    // ---------------------------------------------------------------- binding

    /** Called from {@code onTrainingBegin}, i.e. from the Trainer's constructor. */
    void begin(Trainer trainer) {
        if (begun) {
            throw new IllegalStateException(
                    "this training configuration has already driven a training run; call " + recipeName
                            + ".configure(...) again for a new run");
        }
        begun = true;
        context.open(trainer);
        for (MaskPolicy p : policies) {
            p.begin(context);
        }
        wait = context.await(this::bind);
        if (wait.complete()) {
            bind();
        }
    }

    /** Binds now if the initializers never fired (arrays set by other means). */
    private void ensureBound() {
        if (bound) {
            return;
        }
        if (!begun) {
            throw new IllegalStateException(
                    "the sparse optimizer was used without its training listener; create the Trainer from"
                            + " the TrainingConfig that " + recipeName + ".configure(...) returned");
        }
        if (policies.stream().anyMatch(MaskPolicy::installsAtBind)) {
            logger.warn(
                    "masks installed only at the first step: the model's arrays were not created by"
                            + " trainer.initialize(...) nor present when the trainer was created, so the first"
                            + " forward pass was dense");
        }
        wait.stop();
        bind();
    }

    private void bind() {
        EngineCheckpoint.Staged restored = resume;
        if (restored == null) {
            for (MaskPolicy p : policies) {
                if (p.bind(context, null)) {
                    updates++;
                }
            }
        } else {
            steps = restored.step();
            updates = restored.updates();
            try (NDManager host = context.root().newSubManager(Device.cpu())) {
                Map<String, NDArray> arrays = restored.arrays(host);
                for (MaskPolicy p : policies) {
                    p.bind(context, restored.of(p, arrays));
                }
            }
        }
        timeline.bound(steps, restored != null);
        resume = null;
        chooseAnchor();
        wait.forgetFresh();
        bound = true;
    }

    /** The first trainable parameter the engine acts on: it is updated exactly once per step and device. */
    private void chooseAnchor() {
        for (Pair<String, Parameter> p : context.block().getParameters()) {
            String id = p.getValue().getId();
            if (context.actsOn(id) && (anchorId == null || p.getValue().requiresGradient())) {
                anchorId = id;
                if (p.getValue().requiresGradient()) {
                    break;
                }
            }
        }
        anchorDevice = context.devices().get(0);
    }

    /**
     * The manager of the engine's persistent arrays on a device.
     *
     * @param device the device
     * @return its manager under the engine's root
     */
    public NDManager managerFor(Device device) {
        return context.managerFor(device);
    }

    // ---------------------------------------------------------------- training

    /** One optimizer update of one parameter copy; counts a step on the anchor's first copy. */
    void update(String parameterId, NDArray weight, NDArray grad) {
        ensureBound();
        context.route(parameterId, weight, grad);
        if (parameterId.equals(anchorId) && weight.getDevice().equals(anchorDevice)) {
            steps++;
        }
    }

    /** Called from {@code onTrainingBatch}: the dense gradient of the coming step is present. */
    void beforeStep() {
        ensureBound();
        timeline.startIfPending(context, policies);
        long t = steps + 1;
        long started = System.nanoTime();
        boolean changed = false;
        for (MaskPolicy p : policies) {
            changed |= p.beforeStep(context, t);
        }
        if (changed) {
            updates++;
            lastUpdateNanos = System.nanoTime() - started;
            timeline.record(context, policies, t);
        }
    }

    /** Called from {@code onEpoch}: logs where the run stands and adds it to the trainer's metrics. */
    void afterEpoch(Trainer trainer) {
        if (bound) {
            EpochLog.log(trainer, report(), units());
        }
    }

    /** Called from {@code onTrainingEnd}. */
    void end() {
        if (wait != null) {
            wait.stop();
        }
        if (bound && context.root().isOpen()) {
            keepLast();
        }
        policies.forEach(p -> p.end(context));
    }

    private void keepLast() {
        timeline.startIfPending(context, policies);
        lastReport = report();
        lastUnits = units();
        lastActive = activeUnits();
    }

    // ---------------------------------------------------------------- reporting

    /**
     * Optimizer steps done (including those before a resumed checkpoint).
     *
     * @return the step count
     */
    public long steps() {
        return steps;
    }

    /**
     * Updates done: steps at which a policy changed masks or gates, and pruning events at binding
     * (including those before a resumed checkpoint).
     *
     * @return the update count
     */
    public long updates() {
        return updates;
    }

    /**
     * Wall time of the most recent update, all policies and devices.
     *
     * @return seconds, 0 before the first update
     */
    public double lastUpdateSeconds() {
        return lastUpdateNanos / 1e9;
    }

    /**
     * Whether the policies are bound to the model.
     *
     * @return true once bound
     */
    public boolean bound() {
        return bound;
    }

    /**
     * The masked tensors' report now (reads counts from the device); after the model closed, the
     * last one taken.
     *
     * @return the report (no layers when no policy masks weights)
     */
    public SparsityReport report() {
        if (!readable("read the report")) {
            return lastReport;
        }
        List<LayerSparsity> layers = new ArrayList<>();
        policies.forEach(p -> layers.addAll(p.layers()));
        return new SparsityReport(steps, updates, layers);
    }

    /**
     * The unit groups' report now; after the model closed, the last one taken.
     *
     * @return the report (no groups when no policy has units)
     */
    public UnitReport units() {
        if (!readable("read the report")) {
            return lastUnits;
        }
        List<UnitGroupReport> groups = new ArrayList<>();
        policies.forEach(p -> groups.addAll(p.groups(context)));
        return new UnitReport(steps, updates, groups);
    }

    /**
     * The active units of every group, read from the gates; after the model closed, the last read.
     *
     * @return active unit indices by group name
     */
    public Map<String, List<Integer>> activeUnits() {
        if (!readable("read the active units")) {
            return lastActive;
        }
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        policies.forEach(p -> out.putAll(p.activeUnits(context)));
        return out;
    }

    /**
     * How the run explored its topology so far: an entry for the state training began with and one
     * after every update (see {@link io.svite.core.report.Timeline}). Host data: readable after the
     * model closed.
     *
     * @return the timeline
     * @throws IllegalStateException before training has begun
     */
    public io.svite.core.report.Timeline timeline() {
        if (!bound) {
            throw new IllegalStateException("no training has started with this configuration yet");
        }
        if (context.root().isOpen()) {
            timeline.startIfPending(context, policies);
        }
        return timeline.timeline();
    }

    /**
     * Stages a checkpoint's timeline to continue when the run resumes; call with {@link
     * #resumeFrom}.
     *
     * @param saved the checkpoint's timeline, or null if it has none (the timeline then starts at
     *     the resume and says it is incomplete)
     * @throws IllegalStateException if training has already begun
     */
    public void resumeTimeline(io.svite.core.report.Timeline saved) {
        if (begun) {
            throw new IllegalStateException(
                    "resume from a checkpoint before the trainer is created, not after training has begun");
        }
        timeline.stage(saved);
    }

    /**
     * Every masked tensor of every policy, in order.
     *
     * @return the tensors
     */
    public List<MaskedTensor> tensors() {
        List<MaskedTensor> out = new ArrayList<>();
        policies.forEach(p -> out.addAll(p.tensors()));
        return out;
    }

    /**
     * The live mask of a parameter on the device of its array: 1 where the entry is active. Read
     * it; do not change or close it.
     *
     * @param parameter a parameter of the model
     * @return its mask, or null if the parameter is not masked (unselected, dense, or not pruned yet)
     */
    public NDArray mask(Parameter parameter) {
        for (MaskedTensor t : tensors()) {
            if (t.parameter() == parameter) {
                return t.maskOn(parameter.getArray().getDevice(), this::managerFor);
            }
        }
        return null;
    }

    /** Whether live state can be read: false after the model closed with a last report kept. */
    private boolean readable(String what) {
        if (!bound) {
            throw new IllegalStateException("no training has started with this configuration yet");
        }
        if (!context.root().isOpen()) {
            if (lastReport != null) {
                return false;
            }
            throw new IllegalStateException("the model was closed; " + what + " before closing it");
        }
        return true;
    }

    /**
     * Throws unless the run is bound and its model open.
     *
     * @param what the action, for the message
     */
    public void requireOpen(String what) {
        if (!bound) {
            throw new IllegalStateException("cannot " + what + ": no training has started with this configuration yet");
        }
        if (!context.root().isOpen()) {
            throw new IllegalStateException("cannot " + what + ": the model was closed or the run released");
        }
    }

    /**
     * The engine's manager of persistent arrays (for copies handed out, e.g. mask sets).
     *
     * @return the root manager under the model's
     */
    public NDManager root() {
        return context.root();
    }

    /** Frees masks and scores now; the reports (taken now) stay readable. */
    public void release() {
        if (bound && context.root().isOpen()) {
            keepLast();
            context.root().close();
        }
    }

    /**
     * Stages a checkpoint's state to replace the starting state when the policies bind.
     *
     * @param staged the state read from a checkpoint
     * @throws IllegalStateException if training has already begun
     */
    public void resumeFrom(EngineCheckpoint.Staged staged) {
        if (begun) {
            throw new IllegalStateException(
                    "resume from a checkpoint before the trainer is created, not after training has begun");
        }
        resume = staged;
    }
}
