package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

/** Runs the benchmark on tiny settings: the figures exist and are consistent (times are never asserted). */
class SparseStepBenchTest {

    @Test
    void printsMediansTheirRatioAndTheRewriteTime() {
        String[] r =
                TrainCommandTest.run("bench", "sparse-step", "--model", "deit-mini", "--rewrite-model", "deit-mini",
                        "--steps", "2", "--warmup", "0", "--batch-size", "2", "--interval", "10", "--json");
        assertEquals("0", r[0], r[2]);
        JsonObject o = JsonParser.parseString(r[1]).getAsJsonObject();
        double dense = o.get("denseStepSeconds").getAsDouble();
        double sparse = o.get("sparseStepSeconds").getAsDouble();
        double rewrite = o.get("rewriteSeconds").getAsDouble();
        assertTrue(dense > 0 && sparse > 0 && rewrite > 0, r[1]);
        assertEquals(sparse + rewrite / 10, o.get("sparseStepOverIntervalSeconds").getAsDouble(), 1e-12);
        assertEquals((sparse + rewrite / 10) / dense, o.get("ratio").getAsDouble(), 1e-12);
        assertTrue(o.get("rewriteModelRewriteSeconds").getAsDouble() > 0);
        assertTrue(o.get("rewriteModelStepSeconds").getAsDouble() > 0);

        r = TrainCommandTest.run("bench", "sparse-step", "--steps", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--steps must be >= 1, got 0"), r[2]);
    }
}
