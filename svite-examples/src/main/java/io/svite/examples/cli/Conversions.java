package io.svite.examples.cli;

import io.svite.core.data.ImageData;
import io.svite.core.data.ImageDatasets;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.nio.file.Path;
import java.util.List;

/**
 * Where command-line strings become library types (devices, datasets) and where plain numbers are
 * checked, with one message per mistake naming the option, the value and what is allowed. The
 * method mixins ({@link SviteOptions}, {@link TokenOptions}) do the same for their own options;
 * the library itself only takes typed values.
 */
final class Conversions {

    /** The dataset kinds {@code --dataset} accepts. */
    static final List<String> DATASETS = ImageDatasets.KINDS;

    private Conversions() {}

    /**
     * The device a {@code --device} value names.
     *
     * @param name cpu, gpu or gpu:N; null for the engine's default
     * @return the device
     * @throws IllegalArgumentException for an unknown or absent device
     */
    static Device device(String name) {
        if (name == null) {
            return Engine.getInstance().defaultDevice();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(cpu|gpu)(?::(\\d+))?").matcher(name.trim());
        if (!m.matches() || (m.group(1).equals("cpu") && m.group(2) != null)) {
            throw new IllegalArgumentException("unknown device '" + name + "'; use cpu, gpu or gpu:N");
        }
        Device d = m.group(1).equals("cpu") ? Device.cpu() : Device.gpu(m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
        if (d.isGpu() && d.getDeviceId() >= Engine.getInstance().getGpuCount()) {
            throw new IllegalArgumentException(
                    "device " + name + " is not available; this machine has " + Engine.getInstance().getGpuCount()
                            + " GPU(s)");
        }
        return d;
    }

    /**
     * Opens the dataset a {@code --dataset}/{@code --data} pair names ({@link ImageDatasets#open}).
     *
     * @param dataset the kind, one of {@link #DATASETS}
     * @param data the folder, or null to search the default places (Fashion-MNIST only)
     * @param imageSize the model's input side (images of a folder dataset are resized to it)
     * @param seed the seed of the synthetic dataset
     * @return the open dataset; the caller closes it
     * @throws IllegalArgumentException for an unknown kind or a kind that needs a folder
     */
    static ImageData openData(String dataset, Path data, int imageSize, long seed) {
        return ImageDatasets.open(dataset, data, imageSize, seed);
    }

    /**
     * Checks a count that must be at least 1.
     *
     * @param option the option's name, e.g. {@code --runs}
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException if it is below 1
     */
    static int positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + value);
        }
        return value;
    }

    /**
     * Checks a count that must not be negative.
     *
     * @param option the option's name
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException if it is negative
     */
    static int nonNegative(String option, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(option + " must be >= 0, got " + value);
        }
        return value;
    }

    /**
     * A whole number from a run's {@code recipe.json} (values are read back as text).
     *
     * @param recipe the recipe's values
     * @param key the option name, e.g. {@code batch-size}
     * @param otherwise the value when the recipe does not have the key
     * @return the number
     * @throws IllegalArgumentException if the value is not a whole number
     */
    static long recipeNumber(java.util.Map<String, String> recipe, String key, long otherwise) {
        String v = recipe.get(key);
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("recipe.json: '" + key + "' must be a whole number, got '" + v + "'", e);
        }
    }
}
