package io.svite.models.run;

import io.svite.models.cost.CountFormat;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result of a {@link Comparison}: one row per method, as a Markdown table ({@code compare.md}),
 * a CSV ({@code compare.csv}) and JSON.
 */
public final class ComparisonTable {

    /** The CSV header; one row per method follows. */
    public static final String CSV_HEADER =
            "method,status,params,dense_params,macs,macs_saving,test_accuracy,train_seconds,options,error";

    /**
     * One method's row.
     *
     * @param method the method's name
     * @param options the {@code train} options that put it at the budget
     * @param result the run's result, or null if it failed
     * @param error the one-line reason it failed, or null
     */
    public record Row(String method, List<String> options, TrainResult result, String error) {

        /** Copies the options. */
        public Row {
            options = List.copyOf(options);
        }

        /**
         * Whether the method finished.
         *
         * @return true if it has a result
         */
        public boolean ok() {
            return result != null;
        }
    }

    private final String model;
    private final String dataset;
    private final double budget;
    private final int epochs;
    private final long seed;
    private final String structured;
    private final List<Row> rows = new ArrayList<>();

    /**
     * An empty table.
     *
     * @param model the preset's name
     * @param dataset the dataset's kind
     * @param budget the fraction of the dense model's prunable parameters kept
     * @param epochs every method's epochs
     * @param seed every method's seed
     * @param structured the head and neuron counts of the structured methods at the budget, in words
     */
    public ComparisonTable(String model, String dataset, double budget, int epochs, long seed, String structured) {
        this.model = model;
        this.dataset = dataset;
        this.budget = budget;
        this.epochs = epochs;
        this.seed = seed;
        this.structured = structured;
    }

    /**
     * Adds a method's row.
     *
     * @param row the row
     */
    public void add(Row row) {
        rows.add(row);
    }

    /**
     * The preset's name.
     *
     * @return e.g. {@code deit-mini}
     */
    public String model() {
        return model;
    }

    /**
     * The dataset's kind.
     *
     * @return e.g. {@code fashion-mnist}
     */
    public String dataset() {
        return dataset;
    }

    /**
     * The fraction of the dense model's prunable parameters every method keeps.
     *
     * @return the budget
     */
    public double budget() {
        return budget;
    }

    /**
     * Every method's epochs.
     *
     * @return the epochs
     */
    public int epochs() {
        return epochs;
    }

    /**
     * Every method's seed.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The head and neuron counts of the structured methods at the budget, in words.
     *
     * @return the description
     */
    public String structured() {
        return structured;
    }

    /**
     * The rows so far, in the order the methods ran.
     *
     * @return the rows
     */
    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /**
     * Comma-separated values, quoted where a field holds a comma or a quote.
     *
     * @return the header and one line per row
     */
    public String csv() {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Row r : rows) {
            TrainResult t = r.result();
            List<String> fields = new ArrayList<>();
            fields.add(r.method());
            fields.add(r.ok() ? "ok" : "failed");
            fields.add(t == null ? "" : Long.toString(t.params()));
            fields.add(t == null ? "" : Long.toString(t.denseParams()));
            fields.add(t == null ? "" : Double.toString(t.macs()));
            fields.add(t == null ? "" : Double.toString(t.macsSaving()));
            fields.add(t == null ? "" : Double.toString(t.testAccuracy()));
            fields.add(t == null ? "" : String.format(Locale.ROOT, "%.3f", t.seconds()));
            fields.add(String.join(" ", r.options()));
            fields.add(r.error() == null ? "" : r.error());
            List<String> quoted = new ArrayList<>();
            for (String f : fields) {
                quoted.add(f.contains(",") || f.contains("\"") || f.contains("\n") ? "\"" + f.replace("\"", "\"\"") + "\"" : f);
            }
            sb.append(String.join(",", quoted)).append('\n');
        }
        return sb.toString();
    }

    /**
     * A Markdown page: the settings, then one table row per method.
     *
     * @return the page
     */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# svite compare\n\n");
        sb.append(String.format(Locale.ROOT, "%s on %s, %d epoch(s), seed %d, budget %s of the dense model's prunable"
                + " parameters.%n%n", model, dataset, epochs, seed, budget));
        sb.append(String.format(Locale.ROOT, "Head and neuron budgets (s2vite, ssp): %s.%n%n", structured));
        sb.append("The options that put each method at the budget:\n\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "- %s: %s%n", r.method(),
                    r.options().isEmpty() ? "none (the full-size reference)" : "`" + String.join(" ", r.options()) + "`"));
        }
        sb.append('\n');
        sb.append("| method | status | non-zero params | MACs / image | MACs saving | test accuracy | train time |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            TrainResult t = r.result();
            if (t == null) {
                sb.append(String.format(Locale.ROOT, "| %s | failed: %s | | | | | |%n", r.method(),
                        r.error().replace("|", "\\|")));
            } else {
                sb.append(String.format(Locale.ROOT, "| %s | ok | %,d | %s | %.1f %% | %.2f %% | %.1f s |%n", r.method(),
                        t.params(), CountFormat.human(t.macs()), 100 * t.macsSaving(), 100 * t.testAccuracy(),
                        t.seconds()));
            }
        }
        return sb.toString();
    }

    /**
     * The settings and rows as JSON.
     *
     * @return pretty-printed JSON
     */
    public String json() {
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        o.addProperty("dataset", dataset);
        o.addProperty("budget", budget);
        o.addProperty("epochs", epochs);
        o.addProperty("seed", seed);
        o.addProperty("structured", structured);
        JsonArray arr = new JsonArray();
        for (Row r : rows) {
            JsonObject j = new JsonObject();
            j.addProperty("method", r.method());
            j.addProperty("status", r.ok() ? "ok" : "failed");
            JsonArray options = new JsonArray();
            r.options().forEach(options::add);
            j.add("options", options);
            TrainResult t = r.result();
            if (t != null) {
                j.addProperty("params", t.params());
                j.addProperty("denseParams", t.denseParams());
                j.addProperty("macs", t.macs());
                j.addProperty("macsSaving", t.macsSaving());
                j.addProperty("testAccuracy", t.testAccuracy());
                j.addProperty("seconds", t.seconds());
            } else {
                j.addProperty("error", r.error());
            }
            arr.add(j);
        }
        o.add("rows", arr);
        return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }
}
