package io.svite.core.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One parameter's mask, one copy per device the parameter lives on: every copy holds the same
 * values, and a rewrite replaces all of them at once.
 */
final class DeviceMasks {

    private final Map<Device, NDArray> copies = new ConcurrentHashMap<>();

    /** Whether any copy exists. */
    boolean isEmpty() {
        return copies.isEmpty();
    }

    /** Adds the first copy, on its own device. */
    void install(NDArray mask) {
        copies.put(mask.getDevice(), mask);
    }

    /**
     * The copy on a device, copied there from an existing copy the first time.
     *
     * @param device the device
     * @param managers the mask manager of each device
     * @return the copy, or null while there is none at all
     */
    NDArray on(Device device, Function<Device, NDManager> managers) {
        NDArray mask = copies.get(device);
        if (mask == null && !copies.isEmpty()) {
            NDArray source = copies.values().iterator().next();
            mask = source.toDevice(device, true);
            mask.attach(managers.apply(device));
            copies.put(device, mask);
        }
        return mask;
    }

    /**
     * Replaces the copy on every device that has one, and on {@code devices}, with the values of
     * {@code mask}; the copy on {@code mask}'s own device takes ownership of {@code mask}, and the
     * replaced copies are closed.
     */
    void replace(NDArray mask, Collection<Device> devices, Function<Device, NDManager> managers) {
        Set<Device> targets = new LinkedHashSet<>(copies.keySet());
        targets.addAll(devices);
        targets.add(mask.getDevice());
        for (Device d : targets) {
            NDArray copy = mask.getDevice().equals(d) ? mask : mask.toDevice(d, true);
            copy.attach(managers.apply(d));
            NDArray old = copies.put(d, copy);
            if (old != null && old != copy) {
                old.close();
            }
        }
    }

    /** Any copy, for reading (reports, checkpoints), or null while there is none. */
    NDArray any() {
        return copies.isEmpty() ? null : copies.values().iterator().next();
    }
}
