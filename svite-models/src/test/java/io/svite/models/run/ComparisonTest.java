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
