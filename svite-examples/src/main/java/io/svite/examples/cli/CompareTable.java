package io.svite.examples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.svite.examples.report.Charts;
import io.svite.examples.train.TrainReport;
import io.svite.examples.train.TrainResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result of {@code svite compare}: one row per method, as a Markdown table, a CSV, JSON and an
 * accuracy-versus-MACs chart.
 */
final class CompareTable {

    /** The CSV header; one row per method follows. */
    static final String CSV_HEADER =
            "method,status,params,dense_params,macs,macs_saving,test_accuracy,train_seconds,options,error";

    /**
     * One method's row.
     *
     * @param method the method's name
     * @param options the {@code train} options that put it at the budget
     * @param result the run's result, or null if it failed
     * @param error the one-line reason it failed, or null
     */
    record Row(String method, List<String> options, TrainResult result, String error) {

        boolean ok() {
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

    CompareTable(String model, String dataset, double budget, int epochs, long seed, String structured) {
        this.model = model;
        this.dataset = dataset;
        this.budget = budget;
        this.epochs = epochs;
        this.seed = seed;
        this.structured = structured;
    }

    void add(Row row) {
        rows.add(row);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Comma-separated values, quoted where a field holds a comma or a quote. */
    String csv() {
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

    /** A Markdown page: the settings, then one table row per method. */
    String markdown() {
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
                        t.params(), TrainReport.human(t.macs()), 100 * t.macsSaving(), 100 * t.testAccuracy(),
                        t.seconds()));
            }
        }
        return sb.toString();
    }

    /** The settings and rows as JSON. */
    String json() {
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

    /**
     * Draws the methods that finished, test accuracy against MACs.
     *
     * @param png the file
     * @return false if no method finished (nothing drawn)
     * @throws IOException if the file cannot be written
     */
    boolean chart(Path png) throws IOException {
        List<Charts.RunPoint> points = new ArrayList<>();
        for (Row r : rows) {
            if (r.ok() && Double.isFinite(r.result().testAccuracy())) {
                points.add(new Charts.RunPoint(r.method(), r.result().macs(), r.result().testAccuracy()));
            }
        }
        if (points.isEmpty()) {
            return false;
        }
        Charts.accuracyVsMacs(points, png);
        return true;
    }
}
