package io.svite.core.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The training copy of each watched parameter on each device: DJL's parameter store keeps one copy
 * per training device and hands the optimizer that copy, so the engine remembers it from the
 * optimizer's first call for that device.
 */
final class DeviceCopies {

    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<Device, NDArray>> copies = new ConcurrentHashMap<>();

    /**
     * Watches a parameter from now on.
     *
     * @param parameter the parameter
     */
    void watch(Parameter parameter) {
        watched.add(parameter.getId());
    }

    /**
     * Whether a parameter is watched.
     *
     * @param parameterId its id
     * @return true if watched
     */
    boolean watches(String parameterId) {
        return watched.contains(parameterId);
    }

    /**
     * Remembers the array the optimizer updates for a watched parameter on its device.
     *
     * @param parameterId the parameter's id
     * @param weight the array
     */
    void remember(String parameterId, NDArray weight) {
        if (watched.contains(parameterId)) {
            copies.computeIfAbsent(parameterId, k -> new ConcurrentHashMap<>()).putIfAbsent(weight.getDevice(), weight);
        }
    }

    /**
     * The training copy on a device, or the parameter's own array when it lives there.
     *
     * @param parameter the parameter
     * @param device the device
     * @return the copy, or null if not seen yet
     */
    NDArray on(Parameter parameter, Device device) {
        Map<Device, NDArray> seen = copies.get(parameter.getId());
        NDArray copy = seen == null ? null : seen.get(device);
        if (copy == null && parameter.isInitialized() && parameter.getArray().getDevice().equals(device)) {
            copy = parameter.getArray();
        }
        return copy;
    }
}
