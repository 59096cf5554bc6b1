package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

/** {@code svite bench data} on a few synthetic images: the figures it prints are consistent. */
class DataBenchCommandTest {

    @Test
    void theBenchPrintsLoaderAndStepThroughputAndTheirRatio() {
        String[] r = TrainCommandTest.run("bench", "data", "--source", "cifar", "--augment", "cifar", "--images", "40",
                "--model", "deit-mini", "--batch-size", "4", "--loader-batches", "2", "--steps", "1", "--threads", "1",
                "--json");
        assertEquals("0", r[0], r[2]);
        JsonObject o = JsonParser.parseString(r[1]).getAsJsonObject();
        double loader = o.get("loaderImagesPerSecond").getAsDouble();
        double step = o.get("stepImagesPerSecond").getAsDouble();
        assertTrue(loader > 0 && step > 0, o.toString());
        assertEquals(loader / step, o.get("loaderOverStep").getAsDouble(), 1e-9);
        assertEquals(4 / o.get("stepSeconds").getAsDouble(), step, 1e-9);
        double wait = o.get("waitFraction").getAsDouble();
        assertTrue(wait >= 0 && wait <= 1, "wait " + wait);
    }

    @Test
    void anUnknownSourceOrPresetIsOneLine() {
        String[] r = TrainCommandTest.run("bench", "data", "--source", "png");
        assertEquals("2", r[0]);
        assertEquals("svite: --source must be jpeg or cifar, got 'png'", r[2].strip());
        r = TrainCommandTest.run("bench", "data", "--augment", "max");
        assertEquals("2", r[0]);
        assertEquals("svite: unknown augmentation preset 'max'; known: deit, cifar, none", r[2].strip());
    }
}
