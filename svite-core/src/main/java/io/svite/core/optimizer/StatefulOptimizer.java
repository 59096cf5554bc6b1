package io.svite.core.optimizer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A DJL {@link Optimizer} whose state the library owns and can see: per-entry state arrays for each
 * (parameter, device), a step count per parameter, per-parameter weight decay, a momentum policy
 * for mask changes, and a named checkpoint. Build one with {@link Optimizers#adamW()} or {@link
 * Optimizers#sgd()}; pass it to {@code DefaultTrainingConfig.optOptimizer} like any DJL optimizer.
 *
 * <p><b>State.</b> Each copy of a parameter (DJL keeps one per training device) has its own slots
 * ({@link #slotNames()}: {@code m, v} for AdamW, {@code momentum} for SGD with momentum), arrays of
 * the weight's shape, data type and device, created as zeros at the copy's first update and
 * attached to the weight's manager, so they are freed with the model (or, for the other devices'
 * copies, with the trainer). The model manager therefore gains the slots once, at the first step,
 * and stays constant after; updates and mask changes allocate nothing that outlives the call.
 *
 * <p><b>Steps.</b> {@code t} (for Adam's bias correction) counts training steps per parameter, not
 * calls: DJL calls {@code update} once per device copy, and a call for a copy already updated in
 * the current step starts the next one. The learning rate is asked for the optimizer's step, the
 * largest {@code t} of any parameter (as DJL does), so a parameter that starts training late still
 * follows the schedule.
 *
 * <p><b>Weight decay</b> applies to the parameters selected at build time ({@code
 * decayWeightsOnly(block)} for DeiT's rule: only {@code Parameter.Type.WEIGHT}; no biases, norms,
 * class token, position embedding or gates); without a selection every parameter decays, as in
 * DJL.
 *
 * <p><b>Mask changes.</b> {@link #onMaskUpdate} zeroes the slots of pruned and grown entries under
 * {@link MomentumPolicy#RESET} and leaves them under {@link MomentumPolicy#KEEP}, on the device.
 *
 * <p><b>Checkpoints.</b> {@link #saveState} and {@link #loadState} move all state (slots and step
 * counts) as an {@link NDList} of arrays named {@code <parameter name>.<slot>} and {@code
 * <parameter name>.step}; encode it with {@code NDList.encode(out, NDList.Encoding.NPZ)}. Names are
 * the keys of {@code block.getParameters()}, so state saved from one instance of a model loads
 * into another instance of the same architecture.
 *
 * <p>Single training thread, like DJL's trainer; the methods are safe to call from another thread
 * between steps.
 */
public abstract class StatefulOptimizer extends Optimizer implements MaskAwareOptimizer {

    private static final Logger LOG = LoggerFactory.getLogger(StatefulOptimizer.class);

    private final OptimizerSettings settings;
    private final Map<String, ParameterState> states = new ConcurrentHashMap<>();
    private final AtomicLong optimizerStep = new AtomicLong();

    StatefulOptimizer(OptimizerSettings settings) {
        super(new BaseBuilder(settings.weightDecay()));
        this.settings = settings;
    }

    /**
     * Updates one copy of a parameter in place from its gradient and zeroes the weight's gradient.
     *
     * @param parameterId the parameter's {@code Parameter.getId()}
     * @param weight the copy of the weight on one device
     * @param grad the gradient, on the weight's device
     */
    @Override
    public final void update(String parameterId, NDArray weight, NDArray grad) {
        ParameterState state = states.computeIfAbsent(parameterId, k -> new ParameterState());
        float decay = settings.decay().decays(parameterId) ? settings.weightDecay() : 0f;
        synchronized (state) {
            long t = state.beginUpdate(weight);
            long step = optimizerStep.accumulateAndGet(t, Math::max);
            float lr = settings.learningRate().getNewValue(parameterId, Math.toIntExact(step));
            if (!Float.isFinite(lr)) {
                throw new IllegalStateException(
                        "the learning rate at step " + step + " is " + lr + "; it must be finite");
            }
            NDArray[] slots = state.slotsOf(weight, slotNames().size());
            apply(weight, grad, slots, lr, t, decay);
        }
    }

    /**
     * Applies the update rule to one copy (the engine's fused kernel), in place.
     *
     * @param weight the weight copy
     * @param grad its gradient
     * @param slots its state slots, in {@link #slotNames()} order
     * @param lr the learning rate of this step
     * @param t this parameter's step count, from 1
     * @param weightDecay the decay rate for this parameter (0 if it does not decay)
     */
    abstract void apply(
            NDArray weight, NDArray grad, NDArray[] slots, float lr, long t, float weightDecay);

    /**
     * The name of this optimizer, for messages.
     *
     * @return e.g. {@code "AdamW"}
     */
    abstract String name();

    /**
     * The names of the per-entry state arrays each parameter copy has, in order.
     *
     * @return {@code [m, v]} for AdamW, {@code [momentum]} for SGD with momentum, empty for plain SGD
     */
    public abstract List<String> slotNames();

    @Override
    public MomentumPolicy momentumPolicy() {
        return settings.policy();
    }

    /**
     * Zeroes the state of the entries that were just pruned or grown under {@link
     * MomentumPolicy#RESET}; does nothing under {@link MomentumPolicy#KEEP}, nor for a parameter
     * that has no state yet (its state starts at zero anyway).
     *
     * <p>On the device: {@code slot = slot · (pruned + grown == 0) + 0} (the {@code + 0} turns
     * {@code −0} into {@code +0}); no host copy, nothing left in any manager.
     *
     * @throws IllegalArgumentException if the masks' shape differs from the parameter's
     */
    @Override
    public void onMaskUpdate(String parameterId, Device device, NDArray pruned, NDArray grown) {
        Objects.requireNonNull(parameterId, "parameterId");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(pruned, "pruned");
        Objects.requireNonNull(grown, "grown");
        if (settings.policy() == MomentumPolicy.KEEP || slotNames().isEmpty()) {
            return;
        }
        ParameterState state = states.get(parameterId);
        if (state == null) {
            return;
        }
        synchronized (state) {
            for (NDArray[] slots : state.slotsOn(device)) {
                if (!pruned.getShape().equals(slots[0].getShape())
                        || !grown.getShape().equals(slots[0].getShape())) {
                    throw new IllegalArgumentException(
                            "mask update for parameter "
                                    + parameterId
                                    + " has pruned "
                                    + pruned.getShape()
                                    + " and grown "
                                    + grown.getShape()
                                    + ", but the parameter is "
                                    + slots[0].getShape());
                }
                zeroChanged(slots, pruned, grown);
            }
        }
    }

    private static void zeroChanged(NDArray[] slots, NDArray pruned, NDArray grown) {
        try (NDManager scope = NDManager.subManagerOf(slots[0])) {
            scope.tempAttachAll(pruned, grown);
            NDArray changed = pruned.add(grown);
            NDArray zero = changed.zerosLike().toType(slots[0].getDataType(), false);
            NDArray keep = changed.eq(changed.zerosLike()).toType(slots[0].getDataType(), false);
            for (NDArray slot : slots) {
                // x·0 is −0 for negative x; adding +0 turns it into +0 and changes nothing else.
                slot.muli(keep).addi(zero);
            }
        }
    }

    /**
     * The step count t of a parameter: how many training steps have updated it (0 if none).
     *
     * @param parameterId the parameter's {@code Parameter.getId()}
     * @return t
     */
    public long step(String parameterId) {
        ParameterState state = states.get(parameterId);
        if (state == null) {
            return 0;
        }
        synchronized (state) {
            return state.step();
        }
    }

    /**
     * The optimizer's step: the largest step count of any parameter; the learning rate tracker is
     * asked for this step.
     *
     * @return the step, 0 before the first update
     */
    public long step() {
        return optimizerStep.get();
    }

    /**
     * Whether weight decay applies to a parameter.
     *
     * @param parameterId the parameter's {@code Parameter.getId()}
     * @return true if it decays
     * @throws IllegalStateException if the optimizer's decay selection came from a block that does
     *     not hold this parameter
     */
    public boolean decays(String parameterId) {
        return settings.decay().decays(parameterId);
    }

    /**
     * The live state of one parameter copy, named by {@link #slotNames()}. The arrays belong to the
     * optimizer: read or change them in place between steps, never close them.
     *
     * @param parameterId the parameter's {@code Parameter.getId()}
     * @param device the device of the copy
     * @return the slots, or an empty list if the copy has no state yet
     */
    public NDList state(String parameterId, Device device) {
        ParameterState state = states.get(parameterId);
        NDList out = new NDList();
        if (state == null) {
            return out;
        }
        synchronized (state) {
            List<NDArray[]> found = state.slotsOn(device);
            if (!found.isEmpty()) {
                NDArray[] slots = found.get(0);
                for (int i = 0; i < slots.length; i++) {
                    slots[i].setName(slotNames().get(i));
                    out.add(slots[i]);
                }
            }
        }
        return out;
    }

    /**
     * Copies all state into new arrays on {@code manager}, named {@code <parameter>.<slot>} and
     * {@code <parameter>.step} after the keys of {@code block.getParameters()}. Parameters that
     * never took a step have no entries. Encode the result with {@code NDList.encode(out,
     * NDList.Encoding.NPZ)}; the caller owns (and closes) it through {@code manager}.
     *
     * @param block the model's block, for the parameter names
     * @param manager where the copies go (its device receives them)
     * @return the named state
     * @throws IllegalArgumentException if the optimizer holds state for parameters that are not in
     *     {@code block}
     */
    public NDList saveState(Block block, NDManager manager) {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(manager, "manager");
        NDList out = new NDList();
        Set<String> covered = new HashSet<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter parameter = p.getValue();
            ParameterState state = states.get(parameter.getId());
            if (state == null) {
                continue;
            }
            covered.add(parameter.getId());
            synchronized (state) {
                NDArray[] slots =
                        state.representative(
                                parameter.isInitialized() ? parameter.getArray() : null);
                if (slots == null) {
                    continue;
                }
                for (int i = 0; i < slots.length; i++) {
                    NDArray copy = ParameterState.copyOn(slots[i], manager.getDevice());
                    copy.attach(manager);
                    copy.setName(StateCheckpoint.key(p.getKey(), slotNames().get(i)));
                    out.add(copy);
                }
                NDArray step = manager.create(state.step());
                step.setName(StateCheckpoint.key(p.getKey(), StateCheckpoint.STEP));
                out.add(step);
            }
        }
        if (covered.size() != states.size()) {
            throw new IllegalArgumentException(
                    "the optimizer holds state for "
                            + (states.size() - covered.size())
                            + " parameters that are not in the block given to saveState;"
                            + " pass the block of the model this optimizer trains");
        }
        LOG.debug("{}: saved the state of {} parameters", name(), covered.size());
        return out;
    }

    /**
     * Replaces all state by a saved one (from {@link #saveState}, possibly through NPZ). Every
     * entry is checked before anything changes: an unnamed or unknown entry, another optimizer's
     * slot, a wrong shape or data type, or a missing slot or step fails with one {@link
     * IllegalArgumentException} and leaves the optimizer as it was. Parameters without entries
     * start fresh. The arrays of {@code state} are copied; the caller may close it afterwards.
     *
     * <p>Load after the model's parameters are initialised or loaded, before the next step.
     *
     * @param block the model's block (its parameter names and shapes)
     * @param state the saved state
     */
    public void loadState(Block block, NDList state) {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(state, "state");
        Map<String, StateCheckpoint.Entry> entries =
                StateCheckpoint.read(state, block, slotNames(), name());
        for (ParameterState old : states.values()) {
            synchronized (old) {
                old.close();
            }
        }
        states.clear();
        long step = 0;
        for (Map.Entry<String, StateCheckpoint.Entry> e : entries.entrySet()) {
            NDArray weight = e.getValue().parameter().getArray();
            NDArray[] source = e.getValue().slots();
            NDArray[] slots = new NDArray[source.length];
            for (int i = 0; i < source.length; i++) {
                slots[i] = ParameterState.copyOn(source[i], weight.getDevice());
                slots[i].attach(weight.getManager());
            }
            ParameterState loaded = new ParameterState();
            loaded.replace(e.getValue().step(), slots);
            states.put(e.getKey(), loaded);
            step = Math.max(step, e.getValue().step());
        }
        optimizerStep.set(step);
        LOG.debug("{}: loaded the state of {} parameters at step {}", name(), entries.size(), step);
    }

    /** Carries the shared settings into DJL's base class. */
    private static final class BaseBuilder extends OptimizerBuilder<BaseBuilder> {

        BaseBuilder(float weightDecay) {
            optWeightDecays(weightDecay);
        }

        @Override
        protected BaseBuilder self() {
            return this;
        }
    }
}
