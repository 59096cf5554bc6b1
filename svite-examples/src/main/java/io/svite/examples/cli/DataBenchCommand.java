package io.svite.examples.cli;

import io.svite.core.augment.Augmentation;
import io.svite.examples.bench.DataBench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code svite bench data}: the input pipeline's images per second alone and beside DeiT training
 * steps in one run ({@link DataBench}).
 */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = "Images per second of the input pipeline (decoding, augmentation, batching) alone, then feeding"
                + " DeiT training steps in the same run; loader / step throughput (target >= 2) and the share of the"
                + " loop spent waiting for data.")
final class DataBenchCommand implements Callable<Integer> {

    private final DataBench.Settings d = DataBench.Settings.defaults();

    @Option(names = "--source", paramLabel = "KIND", description = "jpeg (an image folder; default) or cifar (CIFAR-10 binaries).")
    String source = d.source();

    @Option(names = "--data", paramLabel = "DIR", description = "The folder (default: synthetic files written to a temporary folder).")
    Path data;

    @Option(names = "--images", paramLabel = "N", description = "Synthetic images to write (default: ${DEFAULT-VALUE}).")
    int images = d.images();

    @Option(names = "--model", paramLabel = "NAME", description = "DeiT preset of the training steps (default: ${DEFAULT-VALUE}).")
    String model = d.model();

    @Option(names = {"--batch-size", "--batch"}, paramLabel = "N", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batch = d.batch();

    @Option(names = "--augment", paramLabel = "PRESET", description = "deit, cifar or none (default: ${DEFAULT-VALUE}).")
    String augment = d.augment();

    @Option(names = "--workers", paramLabel = "N", description = "Loader threads (default: ${DEFAULT-VALUE}).")
    int workers = d.workers();

    @Option(names = "--loader-batches", paramLabel = "N", description = "Batches timed for the loader alone (default: ${DEFAULT-VALUE}).")
    int loaderBatches = d.loaderBatches();

    @Option(names = "--steps", paramLabel = "N", description = "Training steps timed after one untimed step (default: ${DEFAULT-VALUE}).")
    int steps = d.steps();

    @Option(names = "--seed", paramLabel = "N", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = d.seed();

    @Mixin ThreadOptions threads;

    @Option(names = "--json", description = "Print the figures as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!source.equals("jpeg") && !source.equals("cifar")) {
            throw new IllegalArgumentException("--source must be jpeg or cifar, got '" + source + "'");
        }
        Augmentation.preset(augment);
        DataBench.Settings s = new DataBench.Settings(source, data, Conversions.positive("--images", images), model,
                Conversions.positive("--batch-size", batch), augment, Conversions.positive("--workers", workers),
                Conversions.positive("--loader-batches", loaderBatches), Conversions.positive("--steps", steps), seed);
        int engineThreads = threads.apply();
        DataBench.Result r = DataBench.run(s);
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("source", source);
            o.addProperty("augment", augment);
            o.addProperty("model", model);
            o.addProperty("batchSize", batch);
            o.addProperty("workers", workers);
            o.addProperty("threads", engineThreads);
            o.addProperty("loaderImagesPerSecond", r.loaderImagesPerSecond());
            o.addProperty("stepSeconds", r.stepSeconds());
            o.addProperty("stepImagesPerSecond", r.stepImagesPerSecond());
            o.addProperty("waitFraction", r.waitFraction());
            o.addProperty("loaderOverStep", r.ratio());
            o.addProperty("target", DataBench.TARGET);
            o.addProperty("meetsTarget", r.meetsTarget());
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
        } else {
            System.out.print(r.format());
        }
        return 0;
    }
}
