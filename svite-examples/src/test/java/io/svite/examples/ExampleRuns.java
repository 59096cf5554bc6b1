package io.svite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;
import io.svite.models.run.TrainResult;

import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every example test shares: a two-batch run on synthetic data and the run folder's checks. */
final class ExampleRuns {

    private ExampleRuns() {}

    /**
     * The arguments of a cheap run: deit-mini, 2 epochs of 2 batches of 8 synthetic images.
     *
     * @param out the run folder
     * @return the arguments
     */
    static String[] args(Path out) {
        return new String[] {"--dataset", "synthetic", "--epochs", "2", "--max-batches", "2", "--batch-size", "8",
            "--quiet", "--out", out.toString()};
    }

    /** The architecture every example plans: the recipe's preset. */
    static DeiTConfig mini() {
        return DeiTConfig.preset("deit-mini");
    }

    /**
     * Checks what every run must have: an accuracy in [0, 1], the saved model of the reported
     * architecture, and the report in the run folder with the same accuracy.
     *
     * @param r the result
     * @param out the run folder
     * @throws IOException if the folder cannot be read
     */
    static void assertRunFolder(TrainResult r, Path out) throws IOException {
        assertTrue(r.testAccuracy() >= 0 && r.testAccuracy() <= 1, "accuracy " + r.testAccuracy());
        assertEquals(2, r.epochs().size(), "two epochs");
        assertEquals(r.architecture(), DeiTFiles.readConfig(out.resolve("model")), "the saved model is the final one");
        double reported = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject()
                .get("testAccuracy").getAsDouble();
        assertEquals(r.testAccuracy(), reported, 0);
    }
}
