package io.svite.core.select;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Readable names that are unique within one model: the display and layer names of {@link
 * ParameterNames} where no two parameters share them (a DeiT), DJL's own names where they would
 * collide (a {@code SequentialBlock} of three {@code Linear}s all display as {@code Linear_weight}).
 */
public final class UniqueNames {

    private final Map<String, String> display = new HashMap<>();
    private final Map<String, String> layer = new HashMap<>();

    private UniqueNames(Block block) {
        Map<String, Set<String>> byDisplay = new HashMap<>();
        Map<String, Set<String>> byLayer = new HashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            String name = p.getKey();
            byDisplay.computeIfAbsent(ParameterNames.display(name), k -> new HashSet<>()).add(name);
            byLayer.computeIfAbsent(ParameterNames.layer(name), k -> new HashSet<>()).add(djlLayer(name));
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            String name = p.getKey();
            String d = ParameterNames.display(name);
            display.put(name, byDisplay.get(d).size() == 1 ? d : name);
            String l = ParameterNames.layer(name);
            layer.put(name, byLayer.get(l).size() == 1 ? l : djlLayer(name));
        }
    }

    public static UniqueNames of(Block block) {
        return new UniqueNames(block);
    }

    /** DJL's name without the parameter's own suffix, e.g. {@code 01Linear} for {@code 01Linear_weight}. */
    static String djlLayer(String djlName) {
        int cut = djlName.lastIndexOf('_');
        return cut < 0 ? djlName : djlName.substring(0, cut);
    }

    public String display(String djlName) {
        return display.getOrDefault(djlName, djlName);
    }

    public String layer(String djlName) {
        return layer.getOrDefault(djlName, djlLayer(djlName));
    }
}
