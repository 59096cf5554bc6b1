package io.svite.examples.cli;

import ai.djl.Device;

import io.svite.examples.data.ImageData;
import io.svite.examples.train.RunFolder;
import io.svite.examples.train.TrainRecipe;
import io.svite.examples.train.TrainReport;
import io.svite.examples.train.TrainResult;
import io.svite.examples.train.TrainingMethod;
import io.svite.examples.train.TrainingRun;
import io.svite.examples.methods.DenseMethod;
import io.svite.examples.methods.S2viteMethod;
import io.svite.examples.methods.SviteMethod;
import io.svite.examples.train.S2viteRecipe;
import io.svite.models.deit.DeiTConfig;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;

/** {@code svite train}: trains a DeiT and prints the report. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a DeiT on an image dataset and print a report (test accuracy, parameters, MACs;"
                + " with --method svite also the sparsity of every layer).")
final class TrainCommand implements Callable<Integer> {

    private final TrainRecipe d = TrainRecipe.defaults();

    @Option(names = "--model", paramLabel = "NAME", description = "DeiT preset: deit-mini (default, 28×28 grey), deit-tiny, deit-small, deit-base.")
    String model = d.model();

    @Option(names = "--dataset", paramLabel = "KIND", description = "fashion-mnist (default), cifar10, folder or synthetic.")
    String dataset = d.dataset();

    @Option(names = "--data", paramLabel = "DIR", description = "Dataset folder. Fashion-MNIST is also looked for in $SVITE_DATA and /usr/share/datasets/fashion-mnist.")
    Path data;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs = d.epochs();

    @Option(names = "--batch-size", paramLabel = "N", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize = d.batchSize();

    @Option(names = "--max-batches", paramLabel = "N", description = "Training and test batches per epoch, 0 for all (for smoke runs; default: ${DEFAULT-VALUE}).")
    int maxBatches = d.maxBatches();

    @Option(names = "--lr", paramLabel = "RATE", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate = d.learningRate();

    @Option(names = "--min-lr", paramLabel = "RATE", description = "Final learning rate of the cosine decay (default: ${DEFAULT-VALUE}).")
    double minLearningRate = d.minLearningRate();

    @Option(names = "--weight-decay", paramLabel = "WD", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay = d.weightDecay();

    @Option(names = "--warmup-epochs", paramLabel = "E", description = "Linear warm-up length in epochs (default: ${DEFAULT-VALUE}).")
    double warmupEpochs = d.warmupEpochs();

    @Option(names = "--label-smoothing", paramLabel = "EPS", description = "Label smoothing (default: ${DEFAULT-VALUE}).")
    double labelSmoothing = d.labelSmoothing();

    @Option(names = "--drop-path", paramLabel = "RATE", description = "Stochastic-depth rate (default: the preset's).")
    Double dropPath;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of initialisation and data order (default: ${DEFAULT-VALUE}).")
    long seed = d.seed();

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder for the model, recipe, metrics and report (default: none).")
    Path out;

    @Option(names = "--device", paramLabel = "DEV", description = "cpu, gpu or gpu:N (default: the engine's default device).")
    String device;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;

    @Option(names = "--method", paramLabel = "NAME", description = "dense (default), svite (unstructured dynamic sparse training; see the SViTE options), s2vite (heads and neurons, ending with the compacted model; see the S2ViTE options), or a baseline: omp (one-shot global magnitude pruning, then fine-tuning), gmp (gradual magnitude pruning), tp (Taylor pruning), small-dense (a shallower dense DeiT at the parameter budget of --sparsity).")
    String method = "dense";

    @Mixin SviteOptions sparse;

    @Mixin S2viteOptions structured;

    @Mixin TokenOptions tokens;

    @Mixin BaselineOptions baselines;

    @Option(names = "--config", paramLabel = "FILE", description = "Read option values from a YAML or JSON recipe (keys are the option names, e.g. 'epochs: 3'); flags override it. Every run with --out writes its effective recipe as recipe.json, which --config reads back.")
    Path config;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainRecipe recipe =
                new TrainRecipe(
                        model,
                        dataset,
                        data == null ? null : data.toString(),
                        epochs,
                        batchSize,
                        maxBatches,
                        learningRate,
                        minLearningRate,
                        weightDecay,
                        warmupEpochs,
                        labelSmoothing,
                        dropPath == null ? -1 : dropPath,
                        seed,
                        out == null ? null : out.toString(),
                        tokens.selection());
        TrainingMethod trainingMethod = method(recipe);
        DeiTConfig.preset(recipe.model()); // fail on an unknown model before loading any data
        Device dev = device(device);
        RunFolder folder = out == null ? null : RunFolder.create(out);
        if (folder != null) {
            folder.writeAtomically("recipe.json", RecipeFile.effectiveJson(spec));
        }
        try (ImageData images = openData(recipe)) {
            TrainResult result =
                    new TrainingRun(recipe, images, dev, quiet ? null : System.err).run(trainingMethod, folder);
            if (folder != null) {
                folder.writeResult(result);
            }
            System.out.print(json ? TrainReport.jsonText(result) + "\n" : TrainReport.text(result));
        }
        return 0;
    }

    /**
     * The training method named by {@code --method}, built from its options; options of other
     * methods are refused.
     *
     * @param recipe the common recipe
     * @return the method
     */
    TrainingMethod method(TrainRecipe recipe) {
        baselines.requireFor(method);
        switch (method) {
            case "dense":
                sparse.requireUnused(method);
                structured.requireUnused(method);
                return new DenseMethod();
            case "svite":
                structured.requireUnused(method);
                return new SviteMethod(sparse.recipe(recipe.seed()));
            case "s2vite": {
                S2viteRecipe s2vite = structured.recipe(sparse, recipe.seed());
                // a budget that leaves a block without a head or neuron fails here, before any data is read
                S2viteMethod.compactedArchitecture(DeiTConfig.preset(recipe.model()), s2vite.budget());
                return new S2viteMethod(s2vite);
            }
            case "omp":
            case "gmp":
            case "tp":
            case "small-dense":
                sparse.requireOnlySparsity(method);
                structured.requireUnused(method);
                return baselines.method(method, sparse.sparsity(), recipe);
            default:
                throw new IllegalArgumentException("unknown method '" + method + "'; known: " + String.join(", ", METHODS));
        }
    }

    /** The methods {@code --method} accepts. */
    static final java.util.List<String> METHODS = java.util.List.of("dense", "svite", "s2vite", "omp", "gmp", "tp", "small-dense");

    static ImageData openData(TrainRecipe recipe) {
        return Conversions.openData(
                recipe.dataset(),
                recipe.data() == null ? null : Paths.get(recipe.data()),
                DeiTConfig.preset(recipe.model()).imageSize(),
                recipe.seed());
    }

    static Device device(String name) {
        return Conversions.device(name);
    }
}
