package io.svite.models.run;

import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.schedule.Decay;
import io.svite.core.training.ProgressPrinter;
import io.svite.models.cost.CountFormat;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;

import java.util.Locale;

/**
 * The final report of a training run, as text for people and JSON for programs ({@code
 * report.txt}, {@code report.json} in a run folder; what {@code svite train} prints).
 */
public final class TrainReport {

    /** Library strategies (distributions, decays) appear in JSON as their readable names. */
    private static final JsonSerializer<Object> AS_TEXT = (src, type, ctx) -> new JsonPrimitive(src.toString());

    private TrainReport() {}

    /**
     * Formats the report as a few aligned lines.
     *
     * @param r the result
     * @return the text
     */
    public static String text(TrainResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("== svite report ==\n");
        line(sb, "model", r.recipe().model() + " on " + r.dataset() + " (" + r.classes() + " classes)");
        line(sb, "epochs", r.epochs().size() + " × " + r.recipe().batchSize() + "-image batches"
                + (r.recipe().maxBatches() > 0 ? " (at most " + r.recipe().maxBatches() + " per epoch)" : ""));
        line(sb, "method", r.method() + (r.methodDescription() == null ? "" : ", " + r.methodDescription()));
        if (r.recipe().tokens() != null) {
            line(sb, "tokens", String.format(Locale.ROOT, "%d of %d patches kept (%s)",
                    r.cost().keptPatches(), r.cost().patches(), r.recipe().tokens().describe()));
        }
        if (!r.architecture().isDense()) {
            line(sb, "architecture", blocks(r.architecture()));
        }
        if (r.sparsity() != null) {
            line(sb, "sparsity", String.format(Locale.ROOT, "%.2f %% of the %,d masked weights are zero",
                    100 * r.sparsity().sparsity(), r.sparsity().size()));
        }
        line(sb, "test accuracy", String.format(Locale.ROOT, "%.2f %%", 100 * r.testAccuracy()));
        Double ema = emaTestAccuracy(r);
        if (ema != null) {
            line(sb, "EMA test acc", String.format(Locale.ROOT, "%.2f %% (moving average of the weights, decay %s,"
                    + " under the final masks)", 100 * ema, r.recipe().ema()));
        }
        line(sb, "parameters", String.format(Locale.ROOT, "%,d non-zero of %,d dense (%.1f %% saved)",
                r.params(), r.denseParams(), 100.0 * r.paramsSaving()));
        line(sb, "MACs / image", String.format(Locale.ROOT, "%s of %s dense (%.1f %% saved)",
                CountFormat.human(r.macs()), CountFormat.human(r.denseMacs()), 100 * r.macsSaving()));
        line(sb, "wall time", ProgressPrinter.formatDuration(r.seconds()));
        if (r.sparsity() != null) {
            sb.append("\n").append(r.sparsity().text());
        }
        return sb.toString();
    }

    /** The test accuracy of the moving average after the last epoch, or null without one. */
    private static Double emaTestAccuracy(TrainResult r) {
        return r.epochs().isEmpty() ? null : r.epochs().get(r.epochs().size() - 1).emaTestAccuracy();
    }

    /**
     * The report as a JSON object.
     *
     * @param r the result
     * @return the JSON tree
     */
    public static JsonObject json(TrainResult r) {
        Gson gson =
                new GsonBuilder()
                        .registerTypeHierarchyAdapter(SparsityDistribution.class, AS_TEXT)
                        .registerTypeHierarchyAdapter(Decay.class, AS_TEXT)
                        .create();
        JsonObject o = new JsonObject();
        o.addProperty("model", r.recipe().model());
        o.addProperty("method", r.method());
        o.add("methodSettings", r.methodSettings());
        o.addProperty("dataset", r.dataset());
        o.addProperty("classes", r.classes());
        o.addProperty("testAccuracy", r.testAccuracy());
        if (emaTestAccuracy(r) != null) {
            o.addProperty("emaTestAccuracy", emaTestAccuracy(r));
        }
        o.addProperty("params", r.params());
        o.addProperty("denseParams", r.denseParams());
        o.addProperty("macs", r.macs());
        o.addProperty("denseMacs", r.denseMacs());
        o.addProperty("macsSaving", r.macsSaving());
        o.addProperty("seconds", r.seconds());
        o.addProperty("keptPatches", r.cost().keptPatches());
        o.addProperty("patches", r.cost().patches());
        o.add("architecture", gson.toJsonTree(r.architecture()));
        if (r.sparsity() != null) {
            o.add("sparsity", r.sparsity().json());
        }
        o.add("epochs", gson.toJsonTree(r.epochs()));
        o.add("recipe", gson.toJsonTree(r.recipe()));
        return o;
    }

    /**
     * The report as pretty-printed JSON.
     *
     * @param r the result
     * @return the JSON text
     */
    public static String jsonText(TrainResult r) {
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(json(r));
    }

    /** Heads and hidden units per block, e.g. "heads 4,4,3 · neurons 921,921,800". */
    private static String blocks(io.svite.models.deit.DeiTConfig config) {
        StringBuilder heads = new StringBuilder();
        StringBuilder neurons = new StringBuilder();
        for (io.svite.models.deit.BlockShape b : config.blocks()) {
            heads.append(heads.length() == 0 ? "" : ",").append(b.heads());
            neurons.append(neurons.length() == 0 ? "" : ",").append(b.hidden());
        }
        return "heads " + heads + " of " + config.heads() + " · neurons " + neurons + " of " + config.hidden();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format(Locale.ROOT, "%-15s %s%n", key, value));
    }
}
