package io.svite.core.optimizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and checks a saved optimizer state: an {@link NDList} of named arrays, keyed by the
 * parameter's name in {@code Block.getParameters()} (never by its random id).
 *
 * <p>Entry names: {@code <parameter>.<slot>} for each state slot (same shape and data type as the
 * parameter) and {@code <parameter>.step} (an integer scalar, the step count t). Parameters that
 * never took a step have no entries.
 */
final class StateCheckpoint {

    /** The suffix of a parameter's step-count entry. */
    static final String STEP = "step";

    /**
     * One parameter's loaded state.
     *
     * @param parameter the parameter
     * @param step its step count t
     * @param slots its slots, in the optimizer's slot order (arrays of the given list)
     */
    record Entry(Parameter parameter, long step, NDArray[] slots) {}

    private StateCheckpoint() {}

    /**
     * The entry name of a slot.
     *
     * @param parameterName the name in {@code Block.getParameters()}
     * @param slot the slot name, or {@link #STEP}
     * @return {@code parameterName + "." + slot}
     */
    static String key(String parameterName, String slot) {
        return parameterName + "." + slot;
    }

    /**
     * Parses and checks a whole saved state against a block, before anything is changed.
     *
     * @param state the saved arrays
     * @param block the model's block (initialised: shapes are checked)
     * @param slotNames the optimizer's slots
     * @param optimizer the optimizer's name, for messages
     * @return entries by parameter id
     * @throws IllegalArgumentException naming the first entry that is unnamed, unknown, of the
     *     wrong shape or type, or missing
     */
    static Map<String, Entry> read(
            NDList state, Block block, List<String> slotNames, String optimizer) {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            byName.put(p.getKey(), p.getValue());
        }
        Map<String, Map<String, NDArray>> grouped = new LinkedHashMap<>();
        for (int i = 0; i < state.size(); i++) {
            NDArray array = state.get(i);
            String name = array.getName();
            int dot = name == null ? -1 : name.lastIndexOf('.');
            if (dot <= 0) {
                throw new IllegalArgumentException(
                        "optimizer state entry "
                                + i
                                + " is named '"
                                + name
                                + "'; expected '<parameter>.<slot>' with slot one of "
                                + allowed(slotNames));
            }
            String parameter = name.substring(0, dot);
            String slot = name.substring(dot + 1);
            if (!byName.containsKey(parameter)) {
                throw new IllegalArgumentException(
                        "optimizer state entry '"
                                + name
                                + "' names parameter '"
                                + parameter
                                + "', which the block does not have");
            }
            if (!slot.equals(STEP) && !slotNames.contains(slot)) {
                throw new IllegalArgumentException(
                        "optimizer state entry '"
                                + name
                                + "' has slot '"
                                + slot
                                + "', but "
                                + optimizer
                                + " keeps "
                                + allowed(slotNames)
                                + " (state saved by another optimizer?)");
            }
            if (grouped.computeIfAbsent(parameter, k -> new HashMap<>()).put(slot, array)
                    != null) {
                throw new IllegalArgumentException(
                        "optimizer state entry '" + name + "' appears twice");
            }
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, NDArray>> g : grouped.entrySet()) {
            Parameter parameter = byName.get(g.getKey());
            entries.put(parameter.getId(), entry(g.getKey(), parameter, g.getValue(), slotNames));
        }
        return entries;
    }

    private static Entry entry(
            String name, Parameter parameter, Map<String, NDArray> found, List<String> slotNames) {
        if (!parameter.isInitialized()) {
            throw new IllegalArgumentException(
                    "parameter '"
                            + name
                            + "' is not initialised; initialise or load the model before loading"
                            + " optimizer state");
        }
        NDArray weight = parameter.getArray();
        NDArray stepArray = found.get(STEP);
        if (stepArray == null) {
            throw new IllegalArgumentException(
                    "optimizer state has no entry '" + key(name, STEP) + "'");
        }
        if (!stepArray.getDataType().isInteger() || stepArray.size() != 1) {
            throw new IllegalArgumentException(
                    "optimizer state entry '"
                            + key(name, STEP)
                            + "' must be one integer, got "
                            + stepArray.getDataType()
                            + " "
                            + stepArray.getShape());
        }
        long step =
                stepArray.getDataType() == DataType.INT64
                        ? stepArray.getLong()
                        : stepArray.toType(DataType.INT64, false).getLong();
        if (step < 0) {
            throw new IllegalArgumentException(
                    "optimizer state entry '" + key(name, STEP) + "' is negative: " + step);
        }
        NDArray[] slots = new NDArray[slotNames.size()];
        for (int i = 0; i < slots.length; i++) {
            String key = key(name, slotNames.get(i));
            NDArray slot = found.get(slotNames.get(i));
            if (slot == null) {
                throw new IllegalArgumentException("optimizer state has no entry '" + key + "'");
            }
            if (!slot.getShape().equals(weight.getShape())
                    || slot.getDataType() != weight.getDataType()) {
                throw new IllegalArgumentException(
                        "optimizer state entry '"
                                + key
                                + "' is "
                                + slot.getDataType()
                                + " "
                                + slot.getShape()
                                + " but the parameter is "
                                + weight.getDataType()
                                + " "
                                + weight.getShape());
            }
            slots[i] = slot;
        }
        return new Entry(parameter, step, slots);
    }

    private static String allowed(List<String> slotNames) {
        StringBuilder sb = new StringBuilder();
        for (String s : slotNames) {
            sb.append(s).append(", ");
        }
        return sb.append(STEP).toString();
    }
}
