package io.svite.core.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a sparse run stands: per masked tensor its shape, density, non-zeros and the fraction
 * ever active, and the overall sparsity over the masked tensors (the paper's convention: biases,
 * norms and embeddings are not counted).
 *
 * @param step optimizer steps done
 * @param updates mask updates (prune-and-grow events) done in this run
 * @param layers one entry per masked tensor, in model order
 */
public record SparsityReport(long step, long updates, List<LayerSparsity> layers) {

    /** Copies the list. */
    public SparsityReport {
        layers = List.copyOf(layers);
    }

    /**
     * Entries of all masked tensors.
     *
     * @return Σ size
     */
    public long size() {
        return layers.stream().mapToLong(LayerSparsity::size).sum();
    }

    /**
     * Active entries of all masked tensors.
     *
     * @return Σ non-zeros
     */
    public long nonZeros() {
        return layers.stream().mapToLong(LayerSparsity::nonZeros).sum();
    }

    /**
     * The overall sparsity over the masked tensors.
     *
     * @return 1 − Σ non-zeros / Σ size
     */
    public double sparsity() {
        return 1 - (double) nonZeros() / size();
    }

    /**
     * Density per layer name, the input of a cost model; tensors of the same layer are pooled.
     *
     * @return density by {@link LayerSparsity#name()}
     */
    public Map<String, Double> densities() {
        Map<String, long[]> pooled = new LinkedHashMap<>();
        for (LayerSparsity l : layers) {
            long[] c = pooled.computeIfAbsent(l.name(), k -> new long[2]);
            c[0] += l.nonZeros();
            c[1] += l.size();
        }
        Map<String, Double> out = new LinkedHashMap<>();
        pooled.forEach((k, c) -> out.put(k, (double) c[0] / c[1]));
        return out;
    }

    /**
     * The report as JSON: {@code {"step","updates","sparsity","nonZeros","size","layers":[{"name","parameter",
     * "shape","size","nonZeros","density","everActive"}]}} with {@code everActive} a fraction.
     *
     * @return the JSON object
     */
    public JsonObject json() {
        JsonObject o = new JsonObject();
        o.addProperty("step", step);
        o.addProperty("updates", updates);
        o.addProperty("sparsity", sparsity());
        o.addProperty("nonZeros", nonZeros());
        o.addProperty("size", size());
        JsonArray arr = new JsonArray();
        for (LayerSparsity l : layers) {
            JsonObject j = new JsonObject();
            j.addProperty("name", l.name());
            j.addProperty("parameter", l.parameter());
            JsonArray shape = new JsonArray();
            l.shape().forEach(shape::add);
            j.add("shape", shape);
            j.addProperty("size", l.size());
            j.addProperty("nonZeros", l.nonZeros());
            j.addProperty("density", l.density());
            j.addProperty("everActive", l.everActiveFraction());
            arr.add(j);
        }
        o.add("layers", arr);
        return o;
    }

    /**
     * The report as pretty-printed JSON.
     *
     * @return the JSON text
     */
    public String toJson() {
        return new GsonBuilder().setPrettyPrinting().create().toJson(json());
    }

    /**
     * The report as an aligned table, one line per tensor and a total.
     *
     * @return the text
     */
    public String text() {
        int width = Math.max(5, layers.stream().mapToInt(l -> l.name().length()).max().orElse(5));
        StringBuilder sb = new StringBuilder();
        String row = "%-" + width + "s  %-16s %8s %12s %8s%n";
        sb.append(String.format(Locale.ROOT, row, "layer", "shape", "density", "non-zeros", "ever"));
        for (LayerSparsity l : layers) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            row,
                            l.name(),
                            shapeText(l.shape()),
                            String.format(Locale.ROOT, "%.4f", l.density()),
                            String.format(Locale.ROOT, "%,d", l.nonZeros()),
                            String.format(Locale.ROOT, "%.3f", l.everActiveFraction())));
        }
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%-" + width + "s  %-16s %8s %12s%n",
                        "total",
                        String.format(Locale.ROOT, "sparsity %.2f%%", 100 * sparsity()),
                        String.format(Locale.ROOT, "%.4f", 1 - sparsity()),
                        String.format(Locale.ROOT, "%,d", nonZeros())));
        return sb.toString();
    }

    private static String shapeText(List<Long> shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(shape.get(i));
        }
        return sb.append(')').toString();
    }
}
