package io.svite.models.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The comparison harness through the library: rows, files after every method, failures as rows. */
class ComparisonTest {

    @TempDir Path dir;

    private static Comparison.Builder small(Path out) {
        return Comparison.builder()
                .dataset("synthetic", null)
                .epochs(1)
                .batchSize(8)
                .maxBatches(2)
                .device(Device.cpu())
                .out(out);
    }

    @Test
    void everyMethodGetsARowItsRunFolderAndTheListenerSeesTheTableGrow() throws Exception {
        Path out = dir.resolve("cmp");
        List<String> seen = new ArrayList<>();
        ComparisonTable table = small(out)
                .methods(List.of("svite", "omp"))
                .listener(new Comparison.Listener() {
                    @Override
                    public void starting(String method, int index, int count, List<String> options) {
                        seen.add("start " + method + " " + index + "/" + count + " " + options);
                    }

                    @Override
                    public void finished(ComparisonTable.Row row, ComparisonTable rows) throws IOException {
                        seen.add("done " + row.method() + " " + (row.ok() ? "ok" : "failed") + " " + rows.rows().size());
                        assertTrue(Files.readString(out.resolve("compare.csv")).contains("\n" + row.method() + ","),
                                "compare.csv holds the row before the listener is told");
                    }
                })
                .build()
                .run();
        assertEquals(List.of("start svite 1/2 [--sparsity, 0.5]", "done svite ok 1",
                "start omp 2/2 [--sparsity, 0.5]", "done omp failed 2"), seen);
        ComparisonTable.Row svite = table.rows().get(0);
        assertEquals(0.5, svite.result().sparsity().sparsity(), 1e-3);
        JsonObject recipe = JsonParser.parseString(Files.readString(out.resolve("svite/recipe.json"))).getAsJsonObject();
        assertEquals("svite", recipe.get("method").getAsString());
        assertEquals(0.5, recipe.get("sparsity").getAsDouble(), 0, "the budget's options are recorded");
        assertTrue(Files.isDirectory(out.resolve("svite/model")));
        ComparisonTable.Row omp = table.rows().get(1);
        assertTrue(omp.error().contains("needs --epochs 2 or more"), omp.error());
        assertFalse(Files.exists(out.resolve("omp")), "a method refused before training writes nothing");
        assertTrue(Files.readString(out.resolve("compare.md")).contains("| omp | failed: "));
    }

    @Test
    void withSeveralSeedsEveryMethodRunsOncePerSeedAndTheTableGivesMeanAndSpread() throws Exception {
        Path out = dir.resolve("seeds");
        ComparisonTable table = small(out).methods(List.of("dense")).seed(3).seeds(2).build().run();
        ComparisonTable.Row dense = table.rows().get(0);
        assertEquals(List.of(3L, 4L), dense.runs().stream().map(SeedRun::seed).toList());
        double a = dense.runs().get(0).result().testAccuracy();
        double b = dense.runs().get(1).result().testAccuracy();
        assertEquals((a + b) / 2, dense.accuracy().mean(), 1e-12);
        assertEquals(Math.abs(a - b) / Math.sqrt(2), dense.accuracy().std(), 1e-12);
        for (long seed : new long[] {3, 4}) {
            JsonObject recipe = JsonParser.parseString(
                    Files.readString(out.resolve("dense/seed-" + seed + "/recipe.json"))).getAsJsonObject();
            assertEquals(seed, recipe.get("seed").getAsLong(), "each seed's folder records its own seed");
        }
        String csv = Files.readString(out.resolve("compare.csv"));
        assertTrue(csv.lines().skip(1).findFirst().orElseThrow().endsWith("," + dense.accuracy().std() + ",2," + a + " " + b),
                csv);
        assertTrue(table.markdown().contains("2 seeds (3, 4)"), table.markdown());
        JsonObject json = JsonParser.parseString(table.json()).getAsJsonObject();
        assertEquals(2, json.getAsJsonArray("rows").get(0).getAsJsonObject().getAsJsonArray("runs").size());
        assertThrows(IllegalArgumentException.class, () -> small(out).seeds(0));
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingIsWritten() {
        Path out = dir.resolve("none");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> small(out).methods(List.of("dense", "nope")).build().run());
        assertTrue(e.getMessage().startsWith("unknown method 'nope' in --methods; known: dense, svite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> small(out).budget(1).build().run());
        assertTrue(e.getMessage().startsWith("--budget must be in (0, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> small(out).dataset("mnist", null).build().run());
        assertTrue(e.getMessage().startsWith("unknown dataset 'mnist'"), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
