package io.svite.examples.report;

import io.svite.core.report.Timeline;
import io.svite.models.run.RunTimeline;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws how a run's topology moved while it trained, from its {@link RunTimeline} (the data is the
 * library's, {@code SavedRun.timeline()}; this class only draws):
 *
 * <ul>
 *   <li>unit groups (S2ViTE): per family a figure with one panel per group (block), the unit on the
 *       vertical axis and the timeline's entries (the start, then every update) across — active,
 *       inactive but active before, never active yet — and a chart of the fraction of units ever
 *       active against the step;
 *   <li>masked weights (SViTE, pruning): per layer the fraction of its active weights changed at
 *       each update and the fraction ever active (heatmaps, layers down, updates across) and a chart
 *       of the whole model's ever-active fraction (the in-time over-parameterisation rate) next to
 *       its density;
 *   <li>token snapshots: the first test images with the patches the selector kept when training
 *       began and after every epoch, images down and snapshots across.
 * </ul>
 */
public final class TimelinePictures {

    /** An active unit. */
    public static final int ACTIVE = MaskImages.ALIVE;
    /** A unit that is inactive now but was active at an earlier entry. */
    public static final int EXPLORED = 0xF5B041;
    /** A unit never active so far. */
    public static final int NEVER = 0xDADADA;
    /** Pixels per layer in the weight heatmaps: every layer's name fits as a tick label. */
    public static final int LAYER_ROW = 20;

    private TimelinePictures() {}

    /**
     * One picture drawn.
     *
     * @param file the PNG
     * @param caption what it shows, one line
     */
    public record Drawn(Path file, String caption) {}

    /**
     * Draws the engine timelines of every phase into {@code dir}.
     *
     * @param timeline the run's timeline
     * @param run the run's name
     * @param dir the folder to write into
     * @return the pictures, in order
     * @throws IOException if a file cannot be written
     */
    public static List<Drawn> engine(RunTimeline timeline, String run, Path dir) throws IOException {
        List<Drawn> out = new ArrayList<>();
        boolean several = timeline.phases().size() > 1;
        for (RunTimeline.Phase phase : timeline.phases()) {
            String prefix = several ? phase.name() + "-" : "";
            Timeline t = phase.timeline();
            if (t.updates().isEmpty()) {
                continue;
            }
            String where = "run " + run + (several ? ", phase " + phase.name() : "")
                    + (t.complete() ? "" : ", resumed from a checkpoint without a timeline: earlier updates missing");
            out.addAll(units(t, phase, where, prefix, dir));
            out.addAll(weights(t, phase, where, prefix, dir));
        }
        return out;
    }

    // ---------------------------------------------------------------- unit groups

    private static List<Drawn> units(Timeline t, RunTimeline.Phase phase, String where, String prefix, Path dir)
            throws IOException {
        List<Drawn> out = new ArrayList<>();
        Map<String, List<Integer>> families = new LinkedHashMap<>();
        for (int g = 0; g < t.groups().size(); g++) {
            families.computeIfAbsent(t.groups().get(g).family(), k -> new ArrayList<>()).add(g);
        }
        if (families.isEmpty()) {
            return out;
        }
        int entries = t.updates().size();
        int last = entries - 1;
        for (Map.Entry<String, List<Integer>> f : families.entrySet()) {
            String family = f.getKey();
            int maxUnits = f.getValue().stream().mapToInt(g -> t.groups().get(g).units()).max().orElse(1);
            int cellH = maxUnits <= 32 ? Math.max(6, Math.min(20, 160 / maxUnits)) : Math.max(1, 384 / maxUnits);
            int cellW = Math.max(3, Math.min(18, 240 / entries));
            String singular = singular(family);
            Figure fig = Figure.titled(capitalise(family) + " over training: which were active at each update",
                    where + " · " + (entries - 1) + " updates, steps " + step(phase, t, 0) + "–" + step(phase, t, last)
                            + " · ever active: " + everText(t, f.getValue(), last));
            long ever = 0;
            long total = 0;
            for (int g : f.getValue()) {
                Timeline.Group group = t.groups().get(g);
                int units = group.units();
                BitSet[] activeAt = new BitSet[entries];
                BitSet[] everAt = new BitSet[entries];
                for (int e = 0; e < entries; e++) {
                    activeAt[e] = t.updates().get(e).units().get(g);
                    everAt[e] = t.everActiveUnits(g, e);
                }
                BufferedImage raster = Figure.cells(units, entries, cellW, cellH,
                        (u, e) -> activeAt[e].get(u) ? ACTIVE : everAt[e].get(u) ? EXPLORED : NEVER);
                int everCount = everAt[last].cardinality();
                ever += everCount;
                total += units;
                fig.panel(new Figure.Panel(String.format(Locale.ROOT, "%s · ever %d/%d", shortName(group.name()),
                        everCount, units), raster, units, entries));
            }
            fig.perRow(Math.min(f.getValue().size(), 6))
                    .axes(new Figure.Axis("update (training step)", e -> Long.toString(step(phase, t, e))),
                            Figure.Axis.indices(singular + " index"))
                    .legend(ACTIVE, "active")
                    .legend(EXPLORED, "inactive, was active before")
                    .legend(NEVER, "never active yet")
                    .note("Column 0 is the set training began with; each further column the set after one update.");
            Path png = dir.resolve(prefix + family + ".png");
            fig.write(png);
            out.add(new Drawn(png, String.format(Locale.ROOT,
                    "%s active at each of %d updates, one panel per block (%s × update); %d of %d ever active (%.1f %%)",
                    family, entries - 1, singular, ever, total, 100.0 * ever / Math.max(1, total))));
        }
        // the fraction ever active against the step, one line per family
        List<Charts.Line> lines = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> f : families.entrySet()) {
            double[] x = new double[entries];
            double[] everY = new double[entries];
            double[] activeY = new double[entries];
            long total = f.getValue().stream().mapToLong(g -> t.groups().get(g).units()).sum();
            for (int e = 0; e < entries; e++) {
                x[e] = step(phase, t, e);
                long ever = 0;
                long active = 0;
                for (int g : f.getValue()) {
                    ever += t.everActiveUnits(g, e).cardinality();
                    active += t.updates().get(e).units().get(g).cardinality();
                }
                everY[e] = (double) ever / total;
                activeY[e] = (double) active / total;
            }
            lines.add(new Charts.Line(f.getKey() + " ever active", x, everY, false));
            lines.add(new Charts.Line(f.getKey() + " active", x, activeY, true));
        }
        Path png = dir.resolve(prefix + "units-ever-active.png");
        Charts.lines("Units ever active — " + where, "training step", "fraction of the family's units", 1.0, lines, png);
        out.add(new Drawn(png, "fraction of heads and neurons ever active (solid) and active (dashed) against the step"));
        return out;
    }

    private static String everText(Timeline t, List<Integer> groups, int entry) {
        long ever = 0;
        long total = 0;
        for (int g : groups) {
            ever += t.everActiveUnits(g, entry).cardinality();
            total += t.groups().get(g).units();
        }
        return String.format(Locale.ROOT, "%d of %d (%.1f %%)", ever, total, 100.0 * ever / Math.max(1, total));
    }

    // ---------------------------------------------------------------- masked weights

    private static List<Drawn> weights(Timeline t, RunTimeline.Phase phase, String where, String prefix, Path dir)
            throws IOException {
        List<Drawn> out = new ArrayList<>();
        // tensors that were masked at some entry: a layer kept dense has nothing to show
        List<Integer> masked = new ArrayList<>();
        for (int i = 0; i < t.tensors().size(); i++) {
            for (Timeline.Update u : t.updates()) {
                if (u.tensors().get(i).active() < t.tensors().get(i).size()) {
                    masked.add(i);
                    break;
                }
            }
        }
        if (masked.isEmpty()) {
            return out;
        }
        int entries = t.updates().size();
        int rowH = LAYER_ROW;
        List<String> names = masked.stream().map(i -> t.tensors().get(i).name()).toList();
        if (entries > 1) {
            int updates = entries - 1;
            int cellW = Math.max(6, Math.min(40, 480 / updates));
            double[][] changed = new double[masked.size()][updates];
            double max = 0;
            for (int r = 0; r < masked.size(); r++) {
                int i = masked.get(r);
                for (int u = 0; u < updates; u++) {
                    Timeline.TensorCounts c = t.updates().get(u + 1).tensors().get(i);
                    long before = c.active() + c.pruned() - c.grown();
                    changed[r][u] = before == 0 ? 0 : (double) Math.max(c.pruned(), c.grown()) / before;
                    max = Math.max(max, changed[r][u]);
                }
            }
            double top = max > 0 ? max : 1;
            ColourScale scale = ColourScale.viridis();
            Figure fig = Figure.titled("Weights changed at each update, per layer",
                    where + " · " + updates + " updates, steps " + step(phase, t, 1) + "–" + step(phase, t, entries - 1));
            fig.panel(new Figure.Panel(null, Figure.cells(masked.size(), updates, cellW, rowH,
                            (r, u) -> scale.at(changed[r][u] / top)), masked.size(), updates))
                    .axes(new Figure.Axis("update (training step)", u -> Long.toString(step(phase, t, u + 1))),
                            new Figure.Axis("masked weight", r -> names.get(r)))
                    .colourBar(new Figure.ColourBar(scale, 0, top,
                            "entries switched off (= switched on) at the update, over the layer's active entries", "%.1f %%",
                            100))
                    .note("An entry switched off and back on in the same update did not change and is not counted.");
            Path png = dir.resolve(prefix + "weights-changed.png");
            fig.write(png);
            out.add(new Drawn(png, String.format(Locale.ROOT,
                    "fraction of each masked layer's active weights replaced at each of %d updates (max %.1f %%)", updates,
                    100 * max)));
        }
        double[][] ever = new double[masked.size()][entries];
        double lowest = 1;
        for (int r = 0; r < masked.size(); r++) {
            int i = masked.get(r);
            for (int e = 0; e < entries; e++) {
                ever[r][e] = (double) t.updates().get(e).tensors().get(i).everActive() / t.tensors().get(i).size();
                lowest = Math.min(lowest, ever[r][e]);
            }
        }
        int cellW = Math.max(6, Math.min(40, 480 / entries));
        ColourScale scale = ColourScale.viridis();
        Figure fig = Figure.titled("Weights ever active, per layer (in-time over-parameterisation)",
                where + " · " + entries + " entries, steps " + step(phase, t, 0) + "–" + step(phase, t, entries - 1));
        fig.panel(new Figure.Panel(null, Figure.cells(masked.size(), entries, cellW, rowH,
                        (r, e) -> scale.at(ever[r][e])), masked.size(), entries))
                .axes(new Figure.Axis("entry (training step; the first is the start)", e -> Long.toString(step(phase, t, e))),
                        new Figure.Axis("masked weight", r -> names.get(r)))
                .colourBar(new Figure.ColourBar(scale, 0, 1, "entries active at some point so far, over the layer's entries",
                        "%.0f %%", 100));
        Path png = dir.resolve(prefix + "weights-ever-active.png");
        fig.write(png);
        out.add(new Drawn(png, String.format(Locale.ROOT,
                "fraction of each masked layer's weights ever active, after each update (lowest %.1f %%)", 100 * lowest)));

        // the whole model's rate and density against the step, and the rate per kind of layer
        double[] x = new double[entries];
        double[] rate = new double[entries];
        double[] density = new double[entries];
        Map<String, double[]> byKind = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (int i : masked) {
            sizes.merge(kind(t.tensors().get(i).name()), t.tensors().get(i).size(), Long::sum);
        }
        long all = masked.stream().mapToLong(i -> t.tensors().get(i).size()).sum();
        for (int e = 0; e < entries; e++) {
            x[e] = step(phase, t, e);
            long everSum = 0;
            long activeSum = 0;
            Map<String, Long> everKind = new LinkedHashMap<>();
            for (int i : masked) {
                Timeline.TensorCounts c = t.updates().get(e).tensors().get(i);
                everSum += c.everActive();
                activeSum += c.active();
                everKind.merge(kind(t.tensors().get(i).name()), c.everActive(), Long::sum);
            }
            rate[e] = (double) everSum / all;
            density[e] = (double) activeSum / all;
            for (Map.Entry<String, Long> k : everKind.entrySet()) {
                byKind.computeIfAbsent(k.getKey(), n -> new double[entries])[e] = (double) k.getValue() / sizes.get(k.getKey());
            }
        }
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(new Charts.Line("all masked weights: ever active", x, rate, false));
        lines.add(new Charts.Line("all masked weights: active (density)", x, density, true));
        if (byKind.size() > 1) {
            byKind.forEach((k, v) -> lines.add(new Charts.Line(k + ": ever active", x, v, false)));
        }
        Path chart = dir.resolve(prefix + "weights-exploration.png");
        Charts.lines("Weights ever active — " + where, "training step", "fraction of the masked weights", 1.0, lines,
                chart);
        out.add(new Drawn(chart, String.format(Locale.ROOT,
                "in-time over-parameterisation: fraction of the masked weights ever active (%.1f %% at the end) against"
                        + " their density (%.1f %%), and per kind of layer", 100 * rate[entries - 1],
                100 * density[entries - 1])));
        return out;
    }

    /** The kind of a weight by its name's layer: qkv, proj, fc1, fc2 or the name's last part. */
    static String kind(String tensor) {
        String layer = tensor.endsWith("_weight") ? tensor.substring(0, tensor.length() - "_weight".length()) : tensor;
        int cut = layer.lastIndexOf('_');
        return cut < 0 ? layer : layer.substring(cut + 1);
    }

    // ---------------------------------------------------------------- tokens

    /**
     * Draws the token snapshots: images down, snapshots across.
     *
     * @param tokens the snapshots
     * @param pixels the first test images' values (n, C, S, S) in row-major order, n ≥ the
     *     snapshots' images
     * @param channels C
     * @param side S
     * @param patchSize p
     * @param dataset the dataset's name
     * @param run the run's name
     * @param png the file to write
     * @return the picture
     * @throws IOException if it cannot be written
     */
    public static Drawn tokens(RunTimeline.Tokens tokens, float[] pixels, int channels, int side, int patchSize,
            String dataset, String run, Path png) throws IOException {
        List<RunTimeline.Snapshot> snaps = tokens.snapshots();
        int images = tokens.testImages();
        int scale = Math.max(1, (112 + side - 1) / side);
        Figure fig = Figure.titled("Kept patches over training",
                String.format(Locale.ROOT, "run %s · first %d test images of %s · %d of %d patches kept · evaluation-mode"
                        + " selection%s", run, images, dataset, tokens.kept(), tokens.patches(),
                        tokens.complete() ? "" : " · resumed without earlier snapshots"));
        for (int i = 0; i < images; i++) {
            float[] chw = TokenOverlay.image(pixels, i, channels, side);
            for (RunTimeline.Snapshot s : snaps) {
                BufferedImage overlay = TokenOverlay.draw(chw, channels, side, patchSize, s.kept().get(i), scale);
                String when = s.epoch() == 0 ? "start" : "epoch " + s.epoch();
                fig.panel(new Figure.Panel(String.format(Locale.ROOT, "image %d · %s (step %d)", i, when, s.step()), overlay,
                        side / patchSize, side / patchSize));
            }
        }
        int grey = TokenOverlay.GREY;
        fig.perRow(snaps.size())
                .legend((grey << 16) | (grey << 8) | grey, "dropped patch (greyed)")
                .note("Rows: test images; columns: when training began and after each epoch.");
        fig.write(png);
        return new Drawn(png, String.format(Locale.ROOT,
                "the patches the selector kept on %d test images at %d points of training (start and each epoch end)",
                images, snaps.size()));
    }

    // ---------------------------------------------------------------- helpers

    private static long step(RunTimeline.Phase phase, Timeline t, int entry) {
        return phase.startStep() + t.updates().get(entry).step();
    }

    private static String singular(String family) {
        return family.endsWith("s") ? family.substring(0, family.length() - 1) : family;
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** {@code block3_attn_heads} → {@code block 3}; other names unchanged. */
    static String shortName(String group) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^block(\\d+)_.*").matcher(group);
        return m.matches() ? "block " + m.group(1) : group;
    }
}
