package io.svite.core.select;

import java.util.regex.Pattern;

/**
 * Turns DJL's parameter names into readable layer names.
 *
 * <p>DJL prefixes every child block with its position, e.g. {@code 02block0_02attn_01qkv_weight};
 * the display name drops those prefixes: {@code block0_attn_qkv_weight}. The layer name also drops
 * the parameter's own suffix: {@code block0_attn_qkv}.
 */
public final class ParameterNames {

    private static final Pattern CHILD_INDEX = Pattern.compile("(^|_)\\d{2,}(?=[A-Za-z])");

    private ParameterNames() {}

    /**
     * The parameter's name without DJL's child-position prefixes.
     *
     * @param djlName a name from {@code Block.getParameters()}
     * @return the display name
     */
    public static String display(String djlName) {
        return CHILD_INDEX.matcher(djlName).replaceAll("$1");
    }

    /**
     * The name of the layer that owns a weight: the display name without its last {@code _part}.
     *
     * @param djlName a name from {@code Block.getParameters()}
     * @return the layer name, e.g. {@code block0_attn_qkv}
     */
    public static String layer(String djlName) {
        String display = display(djlName);
        int cut = display.lastIndexOf('_');
        return cut < 0 ? display : display.substring(0, cut);
    }
}
