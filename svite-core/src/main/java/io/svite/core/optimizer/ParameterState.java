package io.svite.core.optimizer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The optimizer state of one parameter: its step count and the state slots of each device copy.
 *
 * <p>DJL's {@code ParameterStore} keeps one copy of a parameter per training device and calls the
 * optimizer once per copy with the same summed gradient. A copy is identified by the weight array
 * the optimizer is handed (the store hands the same array object every step), so the slots here are
 * per (parameter, device). Each copy's slots live on the copy's device, attached to the copy's
 * manager, so they are freed with the model (copy 0) or the trainer (the other copies).
 *
 * <p><b>Step detection.</b> One training step updates every copy once. A call for a copy that was
 * already updated in the current step therefore starts the next step; a call for a copy not yet
 * updated belongs to the current step. So {@code t} advances once per training step whatever the
 * number of devices (DJL's own counter advances once per call, so its Adam's {@code t} runs N
 * times too fast on N devices).
 *
 * <p>Not thread-safe; the optimizer synchronises on the instance.
 */
final class ParameterState {

    /** One device copy: the weight it belongs to and its slots (same shape, type, device). */
    record Copy(NDArray weight, Device device, NDArray[] slots) {

        boolean isReleased() {
            return weight.isReleased() || (slots.length > 0 && slots[0].isReleased());
        }

        void close() {
            for (NDArray slot : slots) {
                if (!slot.isReleased()) {
                    slot.close();
                }
            }
        }
    }

    private final List<Copy> copies = new ArrayList<>();
    private final Set<NDArray> updatedThisStep = Collections.newSetFromMap(new IdentityHashMap<>());
    private long step;
    /**
     * Slots loaded from a checkpoint that seed every copy created in the first step after the
     * load (all copies of a step must start from the same state); closed at the next step.
     */
    private NDArray[] template;

    /**
     * Registers an update of {@code weight} and returns the step it belongs to (1 for the first).
     *
     * @param weight the copy being updated
     * @return the step count t of this parameter, counting this step
     */
    long beginUpdate(NDArray weight) {
        if (updatedThisStep.isEmpty() || updatedThisStep.contains(weight)) {
            step++;
            updatedThisStep.clear();
            if (template != null && !copies.isEmpty()) {
                closeAll(template);
                template = null;
            }
            copies.removeIf(
                    c -> {
                        if (c.isReleased()) {
                            c.close();
                            return true;
                        }
                        return false;
                    });
        }
        updatedThisStep.add(weight);
        return step;
    }

    /**
     * The slots of the copy {@code weight}, created on first use: from the loaded template when
     * there is one, else zeros like the weight.
     *
     * @param weight the copy
     * @param slotCount slots per copy
     * @return the copy's slots, attached to the weight's manager
     */
    NDArray[] slotsOf(NDArray weight, int slotCount) {
        for (Copy c : copies) {
            if (c.weight() == weight) {
                return c.slots();
            }
        }
        NDArray[] slots = new NDArray[slotCount];
        for (int i = 0; i < slotCount; i++) {
            if (template != null) {
                slots[i] = copyOn(template[i], weight.getDevice());
                slots[i].attach(weight.getManager());
            } else {
                slots[i] = weight.zerosLike();
            }
        }
        copies.add(new Copy(weight, weight.getDevice(), slots));
        return slots;
    }

    /**
     * The live slot arrays held for {@code device}: every copy's slots on that device, and the
     * pending template if it lives there.
     *
     * @param device the device
     * @return slot arrays, possibly empty
     */
    List<NDArray[]> slotsOn(Device device) {
        List<NDArray[]> out = new ArrayList<>();
        for (Copy c : copies) {
            if (!c.isReleased() && c.device().equals(device)) {
                out.add(c.slots());
            }
        }
        if (template != null && template.length > 0 && template[0].getDevice().equals(device)) {
            out.add(template);
        }
        return out;
    }

    /**
     * The state to save: the slots of the copy whose weight is {@code preferred} if it has any,
     * else of the first live copy, else the pending template.
     *
     * @param preferred the parameter's own array (copy 0), or null
     * @return the slots, or null if no state exists yet
     */
    NDArray[] representative(NDArray preferred) {
        Copy first = null;
        for (Copy c : copies) {
            if (c.isReleased()) {
                continue;
            }
            if (c.weight() == preferred) {
                return c.slots();
            }
            if (first == null) {
                first = c;
            }
        }
        if (first != null) {
            return first.slots();
        }
        return template;
    }

    /**
     * Replaces all state with a loaded one: the copies' slots are closed, and every copy will be
     * seeded from {@code loaded} when it is next updated.
     *
     * @param loadedStep the step count t reached when the state was saved
     * @param loaded the slots (owned by this state from now on)
     */
    void replace(long loadedStep, NDArray[] loaded) {
        close();
        step = loadedStep;
        template = loaded;
    }

    /** Closes every slot and forgets all copies. */
    void close() {
        for (Copy c : copies) {
            c.close();
        }
        copies.clear();
        updatedThisStep.clear();
        if (template != null) {
            closeAll(template);
            template = null;
        }
    }

    long step() {
        return step;
    }

    /**
     * A real copy of {@code array} on {@code device}, attached to {@code array}'s manager. ({@code
     * toDevice(sameDevice, true)} returns an alias that shares storage on the PyTorch engine.)
     *
     * @param array the source
     * @param device the target device
     * @return the copy
     */
    static NDArray copyOn(NDArray array, Device device) {
        return array.getDevice().equals(device) ? array.duplicate() : array.toDevice(device, true);
    }

    private static void closeAll(NDArray[] arrays) {
        for (NDArray a : arrays) {
            if (!a.isReleased()) {
                a.close();
            }
        }
    }
}
