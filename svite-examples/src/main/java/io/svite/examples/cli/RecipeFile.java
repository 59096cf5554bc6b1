package io.svite.examples.cli;

import io.svite.models.run.RecipeJson;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A recipe file: the options of a command as a YAML or JSON object whose keys are the option names
 * without the leading dashes ({@code epochs: 3}, {@code "batch-size": 64}).
 *
 * <p>{@code svite train --config FILE} reads it as the default value of every option it names; flags
 * on the command line override it. Every run writes its effective recipe ({@link #effective}) as
 * {@code recipe.json} (the library's {@link RecipeJson}), which {@code --config} reads back to
 * repeat the run exactly.
 */
public final class RecipeFile {

    /** Options a recipe file cannot set. */
    static final Set<String> NOT_IN_FILE = Set.of("help", "help-all", "version", "config");

    /** Options that say how a run is shown or where it goes, not what it computes. */
    static final Set<String> NOT_RECIPE = Set.of("help", "help-all", "version", "config", "json", "quiet", "out", "resume", "seeds");

    private RecipeFile() {}

    /**
     * Reads a recipe file.
     *
     * @param file a {@code .yaml}/{@code .yml} or {@code .json} file
     * @return option name → value as text, in file order
     * @throws IllegalArgumentException if the file is missing, unreadable or not a flat object
     */
    public static Map<String, String> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read recipe " + file + ": " + e.getMessage(), e);
        }
        Object tree;
        try {
            // YAML 1.1 is a superset of JSON objects, so one parser reads both.
            tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(
                    "recipe " + file + " is not valid YAML or JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (!(tree instanceof Map)) {
            throw new IllegalArgumentException(
                    "recipe " + file + " must be an object of option names to values, e.g. 'epochs: 3'");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) tree).entrySet()) {
            String key = String.valueOf(e.getKey());
            Object value = e.getValue();
            if (value instanceof Map || value instanceof Collection) {
                throw new IllegalArgumentException(
                        "recipe " + file + ": '" + key + "' must be a single value, got " + value);
            }
            if (value != null) {
                values.put(key.startsWith("--") ? key.substring(2) : key, String.valueOf(value));
            }
        }
        return values;
    }

    /**
     * Makes the values of a recipe file the defaults of a command's options.
     *
     * @param spec the command
     * @param file the recipe file
     * @param values the file's values from {@link #read}
     * @throws IllegalArgumentException naming the first key that is not an option of the command
     */
    static void applyAsDefaults(CommandSpec spec, Path file, Map<String, String> values) {
        Set<String> known = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            known.add(name(o));
        }
        known.removeAll(NOT_IN_FILE);
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(
                        "recipe " + file + " has an unknown option '" + key + "' for '" + spec.qualifiedName()
                                + "'; known: " + String.join(", ", known));
            }
        }
        CommandLine.IDefaultValueProvider previous = spec.defaultValueProvider();
        spec.defaultValueProvider(
                arg -> {
                    if (arg instanceof OptionSpec) {
                        String v = values.get(name((OptionSpec) arg));
                        if (v != null) {
                            return v;
                        }
                    }
                    return previous == null ? null : previous.defaultValue(arg);
                });
    }

    /**
     * The effective recipe of a parsed command: every option that decides the computation, with
     * the value it had (from a flag, a recipe file or its default).
     *
     * @param spec the parsed command
     * @return option name → value, in declaration order
     */
    public static Map<String, Object> effective(CommandSpec spec) {
        Map<String, Object> recipe = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            String name = name(o);
            if (NOT_RECIPE.contains(name) || o.usageHelp() || o.versionHelp()) {
                continue;
            }
            Object value = o.getValue();
            if (value != null) {
                recipe.put(name, value instanceof Path ? value.toString() : value);
            }
        }
        return recipe;
    }

    /**
     * The effective recipe as JSON.
     *
     * @param spec the parsed command
     * @return pretty-printed JSON
     */
    public static String effectiveJson(CommandSpec spec) {
        return RecipeJson.toJson(effective(spec));
    }

    /**
     * Finds {@code --config FILE} or {@code --config=FILE} among raw arguments.
     *
     * @param args the arguments
     * @return the file, or null
     */
    static Path configArgument(String[] args) {
        return pathArgument(args, "--config");
    }

    /**
     * Finds {@code --resume DIR} or {@code --resume=DIR} among raw arguments.
     *
     * @param args the arguments
     * @return the run folder, or null
     */
    static Path resumeArgument(String[] args) {
        return pathArgument(args, "--resume");
    }

    private static Path pathArgument(String[] args, String option) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(option) && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith(option + "=")) {
                return Path.of(args[i].substring(option.length() + 1));
            }
        }
        return null;
    }

    /**
     * An option's name without dashes, as used in recipe files.
     *
     * @param o the option
     * @return e.g. {@code batch-size}
     */
    static String name(OptionSpec o) {
        String longest = o.longestName();
        return longest.replaceFirst("^-+", "").toLowerCase(Locale.ROOT);
    }
}
