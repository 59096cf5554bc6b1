package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Every kind of bad input through {@code Svite.run(...)}: one clear line on standard error that
 * names the value and what is allowed, the right exit code, no stack trace, and nothing written
 * (the run folder is not even created).
 */
class BadInputTest {

    @TempDir static Path dir;

    /**
     * One bad input.
     *
     * @param name what is wrong
     * @param args the arguments after {@code train}; {@code OUT} becomes the run folder to check
     * @param code the expected exit code
     * @param says a fragment the error line must contain
     */
    record Case(String name, List<String> args, int code, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case usage(String name, String says, String... args) {
        return new Case(name, List.of(args), ErrorHandler.USAGE, says);
    }

    /** A short synthetic run into OUT, with extra options. */
    private static String[] quick(String... extra) {
        List<String> a = new ArrayList<>(List.of("--dataset", "synthetic", "--epochs", "1", "--max-batches", "3",
                "--batch-size", "8", "--quiet", "--out", "OUT"));
        a.addAll(Arrays.asList(extra));
        return a.toArray(new String[0]);
    }

    private static void writePng(Path file) throws IOException {
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", file.toFile());
    }

    static Stream<Case> cases() throws IOException {
        Path badMnist = Files.createDirectories(dir.resolve("bad-mnist"));
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(badMnist.resolve(f)))) {
                out.write("not an idx file".getBytes(StandardCharsets.US_ASCII));
            }
        }
        Path badCifar = Files.createDirectories(dir.resolve("bad-cifar/cifar-10-batches-bin"));
        for (String f : new String[] {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin", "test_batch.bin"}) {
            Files.write(badCifar.resolve(f), new byte[3073 * 2 + 100]);
        }
        Path noClasses = Files.createDirectories(dir.resolve("no-classes"));
        Files.writeString(noClasses.resolve("readme.txt"), "no class folders here");
        Path malformedConfig = Files.writeString(dir.resolve("malformed.yaml"), "epochs: [1, 2\n");
        Path oneClass = Files.createDirectories(dir.resolve("one-class/cats"));
        writePng(oneClass.resolve("0.png"));
        Path brokenImage = dir.resolve("broken-image");
        writePng(Files.createDirectories(brokenImage.resolve("cats")).resolve("0.png"));
        writePng(Files.createDirectories(brokenImage.resolve("dogs")).resolve("0.png"));
        Files.writeString(brokenImage.resolve("dogs/1.jpg"), "this is not a JPEG");
        return Stream.of(
                usage("sparsity above 1", "sparsity must be in [0, 1), got 1.5", quick("--method", "svite", "--sparsity", "1.5")),
                usage("sparsity of 1", "sparsity must be in [0, 1), got 1.0", quick("--method", "svite", "--sparsity", "1")),
                usage("negative sparsity", "sparsity must be in [0, 1), got -0.1", quick("--method", "svite", "--sparsity", "-0.1")),
                usage("zero update interval", "--update-every must be >= 1, got 0", quick("--method", "svite", "--update-every", "0")),
                usage("negative update interval", "--update-every must be >= 1, got -5", quick("--method", "svite", "--update-every", "-5")),
                usage("zero end step", "--update-until must be >= 1, got 0", quick("--method", "svite", "--update-until", "0")),
                usage("updates ending after the run", "end step 1000 is after the last step 3 of the run",
                        quick("--method", "svite", "--update-until", "1000")),
                usage("prune fraction of 0", "prune fraction must be in (0, 1], got 0.0", quick("--method", "svite", "--prune-fraction", "0")),
                usage("SViTE options on dense", "--sparsity applies to --method svite, not --method dense", quick("--sparsity", "0.3")),
                usage("learning rate ending above its start", "minimum learning rate must be in [0, learning rate], got 0.1",
                        quick("--lr", "0.01", "--min-lr", "0.1")),
                usage("warm-up ending after the run", "warm-up epochs must be in [0, epochs), got 2.0", quick("--warmup-epochs", "2")),
                usage("zero learning rate", "learning rate must be > 0, got 0.0", quick("--lr", "0")),
                usage("zero epochs", "epochs must be >= 1, got 0", "--dataset", "synthetic", "--epochs", "0", "--out", "OUT"),
                usage("zero batch size", "batch size must be >= 1, got 0", "--dataset", "synthetic", "--batch-size", "0", "--out", "OUT"),
                usage("label smoothing of 1", "label smoothing must be in [0, 1), got 1.0", quick("--label-smoothing", "1")),
                usage("EMA decay of 1", "EMA decay must be in [0, 1) (0 = no average), got 1.0", quick("--ema", "1")),
                usage("drop-path of 1", "drop-path rate must be < 1, got 1.0", quick("--drop-path", "1")),
                usage("token ratio of 0", "token keep ratio must be in (0, 1], got 0.0", quick("--tokens", "0.0")),
                usage("token count of 0", "kept patch count must be >= 1, got 0", quick("--tokens", "0")),
                usage("more tokens than patches", "kept patch count 60 is larger than the 49 patches of this model; allowed 1..49", quick("--tokens", "60")),
                usage("malformed token ratio", "--tokens must be a ratio in (0, 1] such as 0.7", quick("--tokens", "most")),
                usage("unknown method", "unknown method 'magic'; known: dense, svite", quick("--method", "magic")),
                usage("unknown model", "unknown model 'deit-huge'", quick("--model", "deit-huge")),
                usage("unknown dataset", "unknown dataset 'imagenet'", "--dataset", "imagenet", "--out", "OUT"),
                usage("unknown distribution", "unknown distribution 'normal'", quick("--method", "svite", "--distribution", "normal")),
                usage("unknown device", "unknown device 'tpu'", quick("--device", "tpu")),
                usage("missing data folder", "absent", "--data", dir.resolve("absent").toString(), "--out", "OUT"),
                usage("missing CIFAR-10 folder", "absent-cifar",
                        "--dataset", "cifar10", "--data", dir.resolve("absent-cifar").toString(), "--out", "OUT"),
                usage("malformed Fashion-MNIST", "bad-mnist", "--data", badMnist.toString(), "--out", "OUT"),
                usage("malformed CIFAR-10", "bad-cifar", "--dataset", "cifar10", "--data", dir.resolve("bad-cifar").toString(),
                        "--out", "OUT"),
                usage("image folder without class folders", "needs one sub-folder of images per class",
                        "--dataset", "folder", "--data", noClasses.toString(), "--out", "OUT"),
                usage("unknown augmentation preset", "unknown augmentation preset 'heavy'; known: deit, cifar, none",
                        quick("--augment", "heavy")),
                usage("image folder with one class", "needs one sub-folder of images per class (at least 2), found 1",
                        "--dataset", "folder", "--data", oneClass.getParent().toString(), "--out", "OUT"),
                usage("unreadable image", "cannot read image " + brokenImage.resolve("dogs/1.jpg") + ": not a JPEG or PNG file",
                        "--dataset", "folder", "--data", brokenImage.toString(), "--out", "OUT"),
                usage("malformed recipe file", "is not valid YAML or JSON", "--config", malformedConfig.toString(), "--out", "OUT"),
                usage("zero checkpoint interval", "--checkpoint-every must be >= 1 step", quick("--checkpoint-every", "0")),
                usage("negative checkpoint interval", "--checkpoint-every must be >= 1 step", quick("--checkpoint-every", "-2")),
                usage("keeping no checkpoint", "--keep-checkpoints must be >= 1, got 0", quick("--keep-checkpoints", "0")),
                usage("malformed number", "'lots'", "--epochs", "lots", "--out", "OUT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGetsOneClearLineAndWritesNothing(Case c) throws IOException {
        Path out = dir.resolve("run-" + c.name().replace(' ', '-'));
        List<String> args = new ArrayList<>(List.of("train"));
        for (String a : c.args()) {
            args.add(a.equals("OUT") ? out.toString() : a);
        }
        String[] r = TrainCommandTest.run(args.toArray(new String[0]));
        assertOneClearLine(r, c.code(), c.says());
        assertFalse(Files.exists(out), "nothing is written for bad input: " + out);
    }

    /** Exit code, exactly one "svite: " line (engine log lines aside) containing the fragment, no stack trace. */
    static void assertOneClearLine(String[] r, int code, String says) {
        List<String> lines = r[2].lines().filter(l -> !l.startsWith("[main] ")).toList();
        assertEquals(Integer.toString(code), r[0], r[2]);
        assertTrue(lines.size() <= 2 && lines.get(0).startsWith("svite: ") && lines.get(0).contains(says),
                "expected one line containing '" + says + "', got:\n" + r[2]);
        if (lines.size() == 2) {
            assertTrue(lines.get(1).startsWith("Try 'svite train --help'"), r[2]);
        }
        assertFalse(r[2].contains("\tat "), "no stack trace:\n" + r[2]);
        assertTrue(r[1].isEmpty(), "no report on standard output: " + r[1]);
    }

    /**
     * Bad values that have no command-line option yet (S2ViTE's budgets arrive with its method;
     * image and patch sizes come from the presets) are refused by the library types themselves.
     */
    static Stream<org.junit.jupiter.params.provider.Arguments> libraryCases() {
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("image size not divisible by the patch size",
                        (org.junit.jupiter.api.function.Executable) () ->
                                io.svite.models.deit.DeiTConfig.of(30, 1, 4, 96, 6, 3, 4.0, 10, 0.0),
                        "image size 30 is not divisible by the patch size 4"),
                org.junit.jupiter.params.provider.Arguments.of("a head budget that rounds to zero heads",
                        (org.junit.jupiter.api.function.Executable) () ->
                                io.svite.models.compact.StructuredBudget.fractions(0.2, 0.5)
                                        .shapes(io.svite.models.deit.DeiTConfig.mini()),
                        "keeps floor(3 × 0.2) = 0 of 3 heads in block 0"),
                org.junit.jupiter.params.provider.Arguments.of("an update schedule that ends before it starts",
                        (org.junit.jupiter.api.function.Executable) () ->
                                io.svite.core.schedule.UpdateSchedule.builder().every(10).from(500).until(100).build(),
                        "end step 100 must be after the start step 500"),
                org.junit.jupiter.params.provider.Arguments.of("a token ratio of 0",
                        (org.junit.jupiter.api.function.Executable) () ->
                                io.svite.models.tokens.TokenSelection.ratio(0),
                        "token keep ratio must be in (0, 1], got 0.0"),
                org.junit.jupiter.params.provider.Arguments.of("a negative checkpoint interval",
                        (org.junit.jupiter.api.function.Executable) () ->
                                new io.svite.core.training.CheckpointPolicy(-1, 3),
                        "checkpoint interval must be >= 1 step"),
                org.junit.jupiter.params.provider.Arguments.of("keeping no checkpoint",
                        (org.junit.jupiter.api.function.Executable) () ->
                                new io.svite.core.training.CheckpointPolicy(10, 0),
                        "must keep at least 1 checkpoint, got 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraryCases")
    void theLibraryRefusesWhatTheCommandLineCannotYetExpress(
            String name, org.junit.jupiter.api.function.Executable bad, String says) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, bad);
        assertTrue(e.getMessage().contains(says), name + ": " + e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void anOutputFolderThatIsAFileIsLeftAlone() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "keep me");
        String[] r = TrainCommandTest.run("train", "--dataset", "synthetic", "--quiet", "--out", file.toString());
        assertOneClearLine(r, ErrorHandler.USAGE, "output folder " + file + " is a file");
        assertEquals("keep me", Files.readString(file));
    }

    @org.junit.jupiter.api.Test
    void anOutputFolderThatCannotBeWrittenIsRefusedEvenForRoot() {
        // sysfs refuses new files to every user, root included (for whom Files.isWritable says yes)
        assumeTrue(Files.isDirectory(Path.of("/sys/kernel")), "needs Linux sysfs");
        String[] r = TrainCommandTest.run("train", "--dataset", "synthetic", "--quiet", "--out", "/sys/kernel");
        assertOneClearLine(r, ErrorHandler.USAGE, "output folder /sys/kernel is not writable");
        r = TrainCommandTest.run("train", "--dataset", "synthetic", "--quiet", "--out", "/sys/svite-run/out");
        assertOneClearLine(r, ErrorHandler.USAGE, "cannot create output folder /sys/svite-run/out");
    }

    @org.junit.jupiter.api.Test
    void aFullDiskIsOneClearErrorAndLeavesNoHalfWrittenFile() throws IOException {
        // the first file a run writes goes through .recipe.json.tmp; point that name at /dev/full,
        // whose writes fail with ENOSPC in the kernel, so the real write path meets a full disk
        assumeTrue(Files.exists(Path.of("/dev/full")), "needs /dev/full");
        Path out = Files.createDirectories(dir.resolve("full-disk"));
        Files.createSymbolicLink(out.resolve(".recipe.json.tmp"), Path.of("/dev/full"));
        String[] r = TrainCommandTest.run(quickArgs(out));
        assertOneClearLine(r, ErrorHandler.FAILURE, "cannot write " + out.resolve("recipe.json") + ": No space left on device");
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of(), s.toList(), "no recipe.json, no temporary file");
        }
    }

    private static String[] quickArgs(Path out) {
        List<String> a = new ArrayList<>(List.of("train"));
        for (String s : quick()) {
            a.add(s.equals("OUT") ? out.toString() : s);
        }
        return a.toArray(new String[0]);
    }
}
