package io.svite.core.select;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Narrows or widens another selector by layer or parameter display names. */
record NamedSelector(ParameterSelector base, Mode mode, List<String> names) implements ParameterSelector {

    /** What the names do. */
    enum Mode {
        ONLY,
        EXCEPT,
        INCLUDING
    }

    NamedSelector {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("give at least one layer name to " + mode.name().toLowerCase());
        }
        for (String n : names) {
            if (n == null || n.isBlank()) {
                throw new IllegalArgumentException("layer names must not be blank, got " + names);
            }
        }
        names = List.copyOf(names);
    }

    @Override
    public void checkNames(Block block) {
        base.checkNames(block);
        for (String name : names) {
            if (matching(block, name).isEmpty()) {
                throw new IllegalArgumentException(
                        "unknown layer '" + name + "'; the model's layers are " + layerNames(block));
            }
        }
    }

    @Override
    public Map<String, Parameter> select(Block block) {
        checkNames(block);
        Map<String, Parameter> selected = base.select(block);
        Map<String, Parameter> out = new LinkedHashMap<>();
        switch (mode) {
            case ONLY:
                for (String name : names) {
                    boolean any = false;
                    for (String key : matching(block, name)) {
                        if (selected.containsKey(key)) {
                            any = true;
                        }
                    }
                    if (!any) {
                        throw new IllegalArgumentException(
                                "layer '" + name + "' has no parameter the selector picks (2-D/4-D trainable"
                                        + " weights); use including(\"" + name + "\") to add it");
                    }
                }
                for (Map.Entry<String, Parameter> e : selected.entrySet()) {
                    if (names.stream().anyMatch(n -> matches(e.getKey(), n))) {
                        out.put(e.getKey(), e.getValue());
                    }
                }
                return out;
            case EXCEPT:
                for (Map.Entry<String, Parameter> e : selected.entrySet()) {
                    if (names.stream().noneMatch(n -> matches(e.getKey(), n))) {
                        out.put(e.getKey(), e.getValue());
                    }
                }
                return out;
            case INCLUDING:
            default:
                Set<String> add = new LinkedHashSet<>();
                for (String name : names) {
                    for (String key : matching(block, name)) {
                        Parameter p = block.getParameters().get(key);
                        boolean exact = ParameterNames.display(key).equals(name) || key.equals(name);
                        if (p.requiresGradient()
                                && (exact || WeightSelector.shapeOf(key, p).dimension() >= 2)) {
                            add.add(key);
                        }
                    }
                }
                for (Pair<String, Parameter> p : block.getParameters()) {
                    if (selected.containsKey(p.getKey()) || add.contains(p.getKey())) {
                        out.put(p.getKey(), p.getValue());
                    }
                }
                return out;
        }
    }

    /** A name matches a parameter by its layer or display name, or by DJL's own name or layer prefix. */
    static boolean matches(String djlName, String name) {
        return ParameterNames.layer(djlName).equals(name)
                || ParameterNames.display(djlName).equals(name)
                || djlName.equals(name)
                || UniqueNames.djlLayer(djlName).equals(name);
    }

    private static List<String> matching(Block block, String name) {
        List<String> keys = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (matches(p.getKey(), name)) {
                keys.add(p.getKey());
            }
        }
        return keys;
    }

    private static Set<String> layerNames(Block block) {
        UniqueNames unique = UniqueNames.of(block);
        Set<String> out = new LinkedHashSet<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.add(unique.layer(p.getKey()));
        }
        return out;
    }

    @Override
    public String toString() {
        return base + "." + mode.name().toLowerCase() + names;
    }
}
