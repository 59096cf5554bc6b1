package io.svite.examples.report;

import io.svite.models.run.SavedRun;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's HTML page ({@code report.html}): the run table, the chart across runs, then per run
 * its pictures grouped — training, topology over time, structure at the end, kept tokens, and the
 * weight masks (folded, there are many) — and what could not be drawn. Every picture is embedded;
 * the page stands alone ({@link HtmlPage}).
 */
final class ReportPage {

    private ReportPage() {}

    /**
     * Builds the page.
     *
     * @param runs the runs
     * @param names their names in the report
     * @param pictures every picture, as the index lists them
     * @param notes what was not drawn
     * @param out the report's folder (captions name files relative to it)
     * @return the page
     * @throws IOException if a picture cannot be read
     */
    static HtmlPage of(List<SavedRun> runs, List<String> names, List<ReportWriter.Picture> pictures, List<String> notes,
            Path out) throws IOException {
        HtmlPage page = new HtmlPage("svite report",
                runs.size() + (runs.size() == 1 ? " run: " : " runs: ") + String.join(", ", names));
        page.h2("Runs", "runs");
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            rows.add(row(names.get(i), runs.get(i)));
        }
        page.table(List.of("run", "method", "model", "dataset", "epochs", "test accuracy", "non-zero params",
                "MACs / image", "MACs saving", "kept patches", "folder"), rows);
        List<ReportWriter.Picture> across = pictures.stream().filter(p -> p.run() == null).toList();
        if (!across.isEmpty()) {
            page.h2("All runs", "all-runs").openGrid();
            for (ReportWriter.Picture p : across) {
                page.figure(p.file(), p.caption(), relative(out, p.file()));
            }
            page.closeGrid();
        }
        for (String name : names) {
            List<ReportWriter.Picture> mine = pictures.stream().filter(p -> name.equals(p.run())).toList();
            page.h2("Run " + name, "run-" + name);
            SavedRun run = runs.get(names.indexOf(name));
            page.paragraph(summary(run));
            group(page, "Training", mine, out, "curves.png", "density.png");
            group(page, "Topology over time", mine, out, "timeline/");
            group(page, "Structure at the end", mine, out, "heads.png", "neurons.png");
            group(page, "Kept tokens of the final model", mine, out, "tokens/");
            List<ReportWriter.Picture> masks = select(mine, out, "masks/");
            if (!masks.isEmpty()) {
                page.openDetails("Weight masks at initialisation and at the end (" + masks.size() + " pictures)", false)
                        .openGrid();
                for (ReportWriter.Picture p : masks) {
                    page.figure(p.file(), p.caption(), relative(out, p.file()));
                }
                page.closeGrid().closeDetails();
            }
        }
        if (!notes.isEmpty()) {
            page.h2("Not drawn", "not-drawn").list(notes, "notes");
        }
        page.paragraph("Written by svite report; every picture is also a PNG file beside this page (report.md lists"
                + " them).");
        return page;
    }

    private static void group(HtmlPage page, String heading, List<ReportWriter.Picture> pictures, Path out,
            String... patterns) throws IOException {
        List<ReportWriter.Picture> chosen = select(pictures, out, patterns);
        if (chosen.isEmpty()) {
            return;
        }
        page.h3(heading).openGrid();
        for (ReportWriter.Picture p : chosen) {
            page.figure(p.file(), p.caption(), relative(out, p.file()));
        }
        page.closeGrid();
    }

    /** The pictures whose path below the run's folder ends with a pattern or starts with a folder pattern. */
    private static List<ReportWriter.Picture> select(List<ReportWriter.Picture> pictures, Path out, String... patterns) {
        List<ReportWriter.Picture> chosen = new ArrayList<>();
        for (ReportWriter.Picture p : pictures) {
            String rel = relative(out, p.file());
            String inRun = rel.contains("/") ? rel.substring(rel.indexOf('/') + 1) : rel;
            for (String pattern : patterns) {
                if (pattern.endsWith("/") ? inRun.startsWith(pattern) : inRun.equals(pattern)) {
                    chosen.add(p);
                    break;
                }
            }
        }
        return chosen;
    }

    private static List<String> row(String name, SavedRun r) {
        JsonObject rep = r.report();
        return List.of(
                name,
                r.method(),
                r.recipe().getOrDefault("model", rep != null && rep.has("model") ? rep.get("model").getAsString() : "?"),
                rep != null && rep.has("dataset") ? rep.get("dataset").getAsString() : r.recipe().getOrDefault("dataset", "?"),
                Integer.toString(r.epochs().size()),
                Double.isFinite(r.testAccuracy()) ? String.format(Locale.ROOT, "%.2f %%", 100 * r.testAccuracy()) : "",
                number(rep, "params", "%,.0f", 1),
                number(rep, "macs", "%.2f M", 1e-6),
                number(rep, "macsSaving", "%.1f %%", 100),
                rep != null && rep.has("keptPatches") && rep.has("patches")
                        ? rep.get("keptPatches").getAsInt() + " of " + rep.get("patches").getAsInt() : "",
                r.dir().toString());
    }

    private static String number(JsonObject rep, String field, String format, double factor) {
        if (rep == null || !rep.has(field) || rep.get(field).isJsonNull()) {
            return "";
        }
        return String.format(Locale.ROOT, format, rep.get(field).getAsDouble() * factor);
    }

    private static String summary(SavedRun r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.method()).append(" on ").append(r.recipe().getOrDefault("model", "?"));
        if (Double.isFinite(r.testAccuracy())) {
            sb.append(String.format(Locale.ROOT, ": %.2f %% test accuracy, %.2f M MACs per image", 100 * r.testAccuracy(),
                    r.macs() / 1e6));
        }
        sb.append(" — ").append(r.dir());
        return sb.toString();
    }

    private static String relative(Path out, Path file) {
        return out.toAbsolutePath().relativize(file.toAbsolutePath()).toString().replace('\\', '/');
    }
}
