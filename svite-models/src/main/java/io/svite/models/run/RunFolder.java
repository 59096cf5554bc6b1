package io.svite.models.run;

import io.svite.core.training.EpochMetrics;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's output folder: the recipe, per-epoch metrics and the report, each written atomically
 * (temporary file, then rename) so a crash never leaves a half-written file. The model, the
 * method's files and the checkpoints go into it too ({@link TrainingRun}).
 */
public final class RunFolder {

    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    /**
     * Creates (or reuses) a run folder, checking up front that it can be written.
     *
     * @param dir the folder
     * @return the run folder
     * @throws IllegalArgumentException if the path is a file or cannot be written
     */
    public static RunFolder create(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("output folder " + dir + " is a file; give a folder path");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create output folder " + dir + ": " + reason(e), e);
        }
        probeWritable(dir);
        return new RunFolder(dir);
    }

    /**
     * Opens the folder of an earlier run to continue it.
     *
     * @param dir the folder
     * @return the run folder
     * @throws IllegalArgumentException if it does not exist, is a file or cannot be written
     */
    public static RunFolder existing(Path dir) {
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException("run folder " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("run folder " + dir + " is a file, not a run folder");
        }
        probeWritable(dir);
        return new RunFolder(dir);
    }

    /**
     * Creates and removes a file: {@code Files.isWritable} answers yes for root even where the file
     * system refuses (sysfs, read-only mounts), so only a real write tells.
     */
    private static void probeWritable(Path dir) {
        Path probe = dir.resolve(".svite-write-probe");
        try {
            Files.deleteIfExists(probe);
            Files.writeString(probe, "", StandardCharsets.UTF_8);
            Files.delete(probe);
        } catch (IOException e) {
            throw new IllegalArgumentException("output folder " + dir + " is not writable: " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return ((java.nio.file.FileAlreadyExistsException) e).getFile() + " is in the way and is not a folder";
        }
        if (e instanceof java.nio.file.FileSystemException && ((java.nio.file.FileSystemException) e).getReason() != null) {
            return ((java.nio.file.FileSystemException) e).getReason();
        }
        return e.getMessage();
    }

    /**
     * The folder.
     *
     * @return the path
     */
    public Path path() {
        return dir;
    }

    /**
     * Writes {@code recipe.json}: the options the run was made with ({@link RecipeJson}).
     *
     * @param options option name → value, in the order to record them
     */
    public void writeRecipe(Map<String, Object> options) {
        writeAtomically(RecipeJson.FILE, RecipeJson.toJson(options));
    }

    /**
     * Writes the per-epoch metrics (CSV) and the report (text and JSON).
     *
     * @param result the run's result
     */
    public void writeResult(TrainResult result) {
        writeMetrics(result.epochs());
        writeAtomically("report.json", TrainReport.jsonText(result) + "\n");
        writeAtomically("report.txt", TrainReport.text(result));
    }

    /**
     * Writes the metrics of every epoch so far as {@code metrics.csv} and {@code metrics.json}
     * (called after each epoch, so an interrupted run keeps them).
     *
     * @param epochs the epochs so far, in order
     */
    public void writeMetrics(List<EpochMetrics> epochs) {
        boolean ema = epochs.stream().anyMatch(m -> m.emaTestAccuracy() != null);
        StringBuilder csv = new StringBuilder("epoch,phase,train_loss,train_accuracy,test_accuracy,learning_rate,seconds"
                + (ema ? ",ema_test_accuracy" : "") + "\n");
        for (EpochMetrics m : epochs) {
            csv.append(String.format(Locale.ROOT, "%d,%s,%.6f,%.6f,%.6f,%.8f,%.3f", m.epoch(), m.phase(),
                    m.trainLoss(), m.trainAccuracy(), m.testAccuracy(), m.learningRate(), m.seconds()));
            if (ema) {
                csv.append(m.emaTestAccuracy() == null ? "," : String.format(Locale.ROOT, ",%.6f", m.emaTestAccuracy()));
            }
            csv.append('\n');
        }
        writeAtomically("metrics.csv", csv.toString());
        Gson gson = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
        writeAtomically("metrics.json", gson.toJson(epochs) + "\n");
    }

    /**
     * Writes a text file through a temporary file and an atomic rename.
     *
     * @param name the file name inside the folder
     * @param content the text
     */
    public void writeAtomically(String name, String content) {
        Path target = dir.resolve(name);
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original error matters more
            }
            throw new UncheckedIOException("cannot write " + target + ": " + reason(e), e);
        }
    }
}
