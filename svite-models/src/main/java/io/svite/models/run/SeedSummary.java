package io.svite.models.run;

import io.svite.models.cost.CountFormat;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One method's runs over several seeds and the test accuracy's mean ± standard deviation.
 *
 * @param method the method's name
 * @param runs one run per seed, in seed order
 */
public record SeedSummary(String method, List<SeedRun> runs) {

    /** Copies the runs. */
    public SeedSummary {
        runs = List.copyOf(runs);
    }

    /**
     * The runs that finished.
     *
     * @return their results, in seed order
     */
    public List<TrainResult> results() {
        List<TrainResult> ok = new ArrayList<>();
        for (SeedRun r : runs) {
            if (r.ok()) {
                ok.add(r.result());
            }
        }
        return ok;
    }

    /**
     * Test accuracy over the seeds that finished.
     *
     * @return the statistics, or null if no seed finished
     */
    public SeedStats accuracy() {
        List<Double> values = new ArrayList<>();
        for (TrainResult t : results()) {
            values.add(t.testAccuracy());
        }
        return values.isEmpty() ? null : SeedStats.of(values);
    }

    /**
     * Wall time per run, averaged over the seeds that finished.
     *
     * @return seconds, or NaN if no seed finished
     */
    public double meanSeconds() {
        return results().stream().mapToDouble(TrainResult::seconds).average().orElse(Double.NaN);
    }

    /**
     * A few lines: one per seed, then the mean ± standard deviation with the final model's size.
     *
     * @return the text
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (SeedRun r : runs) {
            sb.append(r.ok()
                    ? String.format(Locale.ROOT, "seed %d: test accuracy %.2f %%%n", r.seed(), 100 * r.result().testAccuracy())
                    : String.format(Locale.ROOT, "seed %d: failed: %s%n", r.seed(), r.error()));
        }
        SeedStats acc = accuracy();
        if (acc != null) {
            TrainResult first = results().get(0);
            sb.append(String.format(Locale.ROOT, "%s: test accuracy %s over %d seed(s) (sample standard deviation);"
                    + " %,d non-zero parameters, %s MACs per image%n", method, acc.percent(), acc.n(), first.params(),
                    CountFormat.human(first.macs())));
        }
        return sb.toString();
    }

    /**
     * The runs and statistics as JSON.
     *
     * @return pretty-printed JSON
     */
    public String json() {
        return new GsonBuilder().setPrettyPrinting().create().toJson(toJson());
    }

    /**
     * The runs and statistics as a JSON object.
     *
     * @return the object
     */
    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("method", method);
        JsonArray seeds = new JsonArray();
        for (SeedRun r : runs) {
            JsonObject s = new JsonObject();
            s.addProperty("seed", r.seed());
            s.addProperty("status", r.ok() ? "ok" : "failed");
            if (r.ok()) {
                s.addProperty("testAccuracy", r.result().testAccuracy());
                s.addProperty("seconds", r.result().seconds());
            } else {
                s.addProperty("error", r.error());
            }
            seeds.add(s);
        }
        o.add("seeds", seeds);
        SeedStats acc = accuracy();
        if (acc != null) {
            TrainResult first = results().get(0);
            o.addProperty("testAccuracyMean", acc.mean());
            o.addProperty("testAccuracyStd", acc.std());
            o.addProperty("finished", acc.n());
            o.addProperty("params", first.params());
            o.addProperty("macs", first.macs());
        }
        return o;
    }
}
