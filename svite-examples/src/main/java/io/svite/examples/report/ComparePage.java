package io.svite.examples.report;

import io.svite.models.run.ComparisonTable;
import io.svite.models.run.TrainResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code compare.html}: a comparison's settings, its table and its accuracy-versus-MACs chart in the
 * report's page style ({@link HtmlPage}), self-contained like {@code report.html}.
 */
public final class ComparePage {

    /** The page's file name in a comparison's folder. */
    public static final String PAGE = "compare.html";

    private ComparePage() {}

    /**
     * Writes the page.
     *
     * @param table the comparison so far
     * @param chart the accuracy-versus-MACs chart, or null if none was drawn yet
     * @param file the page
     * @throws IOException if it cannot be written or the chart read
     */
    public static void write(ComparisonTable table, Path chart, Path file) throws IOException {
        HtmlPage page = new HtmlPage("svite compare", String.format(Locale.ROOT,
                "%s on %s, %d epoch(s), %s %s, budget %s of the dense model's prunable parameters", table.model(),
                table.dataset(), table.epochs(), table.seeds().size() == 1 ? "seed" : "seeds",
                table.seeds().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")),
                table.budget()));
        page.h2("Methods at the budget", "methods");
        page.paragraph("Head and neuron budgets (s2vite, ssp): " + table.structured() + ".");
        List<List<String>> rows = new ArrayList<>();
        for (ComparisonTable.Row r : table.rows()) {
            TrainResult t = r.result();
            String options = r.options().isEmpty() ? "none (the full-size reference)" : String.join(" ", r.options());
            if (t == null) {
                rows.add(List.of(r.method(), "failed: " + r.error(), "", "", "", "", "", options));
            } else {
                rows.add(List.of(r.method(), "ok", String.format(Locale.ROOT, "%,d", t.params()),
                        String.format(Locale.ROOT, "%.2f M", t.macs() / 1e6),
                        String.format(Locale.ROOT, "%.1f %%", 100 * t.macsSaving()),
                        r.accuracy().percent(),
                        String.format(Locale.ROOT, "%.1f s", r.summary().meanSeconds()), options));
            }
        }
        page.table(List.of("method", "status", "non-zero params", "MACs / image", "MACs saving", "test accuracy",
                "train time", "options"), rows);
        if (chart != null && Files.isRegularFile(chart)) {
            page.h2("Accuracy versus MACs", "chart").openGrid()
                    .figure(chart, "test accuracy against multiply-accumulates per image, one point per method that"
                            + " finished", chart.getFileName().toString())
                    .closeGrid();
        }
        page.paragraph("Every method's run folder is beside this page; 'svite report --run DIR' draws its pictures."
                + " compare.md and compare.csv hold the same table.");
        page.write(file);
    }
}
