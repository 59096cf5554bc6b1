package io.svite.models.run;

import io.svite.models.cost.CountFormat;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The result of a {@link Comparison}: one row per method, as a Markdown table ({@code compare.md}),
 * a CSV ({@code compare.csv}) and JSON.
 */
public final class ComparisonTable {

    /**
     * The CSV header; one row per method follows. {@code test_accuracy} is the mean over the seeds
     * that finished, {@code test_accuracy_std} their sample standard deviation, {@code
     * test_accuracies} each seed's value separated by spaces, {@code train_seconds} the mean per run.
     */
    public static final String CSV_HEADER =
            "method,status,params,dense_params,macs,macs_saving,test_accuracy,train_seconds,options,error,test_accuracy_std,seeds,test_accuracies";

    /**
     * One method's row: its run for every seed.
     *
     * @param method the method's name
     * @param options the {@code train} options that put it at the budget
     * @param runs one run per seed, in seed order (a method refused before training has one failed run)
     */
    public record Row(String method, List<String> options, List<SeedRun> runs) {

        /** Copies the lists. */
        public Row {
            options = List.copyOf(options);
            runs = List.copyOf(runs);
        }

        /**
         * Whether some seed finished.
         *
         * @return true if a run has a result
         */
        public boolean ok() {
            return result() != null;
        }

        /**
         * The first finished seed's result (parameters and MACs are the same for every seed).
         *
         * @return the result, or null if every seed failed
         */
        public TrainResult result() {
            return runs.stream().filter(SeedRun::ok).map(SeedRun::result).findFirst().orElse(null);
        }

        /**
         * The first failed seed's reason.
         *
         * @return the one-line reason, or null if every seed finished
         */
        public String error() {
            return runs.stream().filter(r -> !r.ok()).map(SeedRun::error).findFirst().orElse(null);
        }

        /**
         * The seeds' runs with their statistics.
         *
         * @return the summary
         */
        public SeedSummary summary() {
            return new SeedSummary(method, runs);
        }

        /**
         * Test accuracy over the seeds that finished.
         *
         * @return mean ± standard deviation, or null if none finished
         */
        public SeedStats accuracy() {
            return summary().accuracy();
        }

        private String status() {
            long ok = runs.stream().filter(SeedRun::ok).count();
            return ok == runs.size() ? "ok" : ok == 0 ? "failed" : "ok for " + ok + " of " + runs.size() + " seeds";
        }
    }

    private final String model;
    private final String dataset;
    private final double budget;
    private final int epochs;
    private final List<Long> seeds;
    private final String structured;
    private final List<Row> rows = new ArrayList<>();

    /**
     * An empty table.
     *
     * @param model the preset's name
     * @param dataset the dataset's kind
     * @param budget the fraction of the dense model's prunable parameters kept
     * @param epochs every method's epochs
     * @param seeds every method's seeds
     * @param structured the head and neuron counts of the structured methods at the budget, in words
     */
    public ComparisonTable(String model, String dataset, double budget, int epochs, List<Long> seeds, String structured) {
        this.model = model;
        this.dataset = dataset;
        this.budget = budget;
        this.epochs = epochs;
        this.seeds = List.copyOf(seeds);
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
     * Every method's seeds.
     *
     * @return the seeds, in the order they ran
     */
    public List<Long> seeds() {
        return seeds;
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

    private String seedWords() {
        return seeds.size() == 1 ? "seed " + seeds.get(0)
                : seeds.size() + " seeds (" + seeds.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
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
            SeedStats acc = r.accuracy();
            fields.add(r.status());
            fields.add(t == null ? "" : Long.toString(t.params()));
            fields.add(t == null ? "" : Long.toString(t.denseParams()));
            fields.add(t == null ? "" : Double.toString(t.macs()));
            fields.add(t == null ? "" : Double.toString(t.macsSaving()));
            fields.add(acc == null ? "" : Double.toString(acc.mean()));
            fields.add(t == null ? "" : String.format(Locale.ROOT, "%.3f", r.summary().meanSeconds()));
            fields.add(String.join(" ", r.options()));
            fields.add(r.error() == null ? "" : r.error());
            fields.add(acc == null ? "" : Double.toString(acc.std()));
            fields.add(acc == null ? "0" : Integer.toString(acc.n()));
            fields.add(acc == null ? "" : acc.values().stream().map(String::valueOf).collect(Collectors.joining(" ")));
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
        sb.append(String.format(Locale.ROOT, "%s on %s, %d epoch(s), %s, budget %s of the dense model's prunable"
                + " parameters.%n%n", model, dataset, epochs, seedWords(), budget));
        if (seeds.size() > 1) {
            sb.append("Test accuracy is the mean ± sample standard deviation over the seeds; train time is per run.\n\n");
        }
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
                sb.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s | %.1f %% | %s | %.1f s |%n", r.method(),
                        r.status().replace("|", "\\|"), t.params(), CountFormat.human(t.macs()), 100 * t.macsSaving(),
                        r.accuracy().percent(), r.summary().meanSeconds()));
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
        JsonArray seedArray = new JsonArray();
        seeds.forEach(seedArray::add);
        o.add("seeds", seedArray);
        o.addProperty("structured", structured);
        JsonArray arr = new JsonArray();
        for (Row r : rows) {
            JsonObject j = new JsonObject();
            j.addProperty("method", r.method());
            j.addProperty("status", r.status());
            JsonArray options = new JsonArray();
            r.options().forEach(options::add);
            j.add("options", options);
            TrainResult t = r.result();
            if (t != null) {
                j.addProperty("params", t.params());
                j.addProperty("denseParams", t.denseParams());
                j.addProperty("macs", t.macs());
                j.addProperty("macsSaving", t.macsSaving());
                SeedStats acc = r.accuracy();
                j.addProperty("testAccuracy", acc.mean());
                j.addProperty("testAccuracyStd", acc.std());
                j.addProperty("seconds", r.summary().meanSeconds());
            }
            if (r.error() != null) {
                j.addProperty("error", r.error());
            }
            j.add("runs", r.summary().toJson().get("seeds"));
            arr.add(j);
        }
        o.add("rows", arr);
        return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }
}
