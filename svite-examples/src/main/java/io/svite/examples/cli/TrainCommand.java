package io.svite.examples.cli;

import io.svite.core.checkpoint.Storage;
import io.svite.core.data.ImageData;
import io.svite.core.structured.UnitBudget;
import io.svite.core.training.CheckpointPolicy;
import io.svite.core.training.TrainingStoppedException;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.DenseMethod;
import io.svite.models.methods.Methods;
import io.svite.models.methods.S2viteMethod;
import io.svite.models.methods.S2viteRecipe;
import io.svite.models.methods.SspMethod;
import io.svite.models.methods.SviteMethod;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.run.SeedSummary;
import io.svite.models.run.SeedSweep;
import io.svite.models.run.TrainReport;
import io.svite.models.run.TrainResult;
import io.svite.models.run.TrainingRun;

import ai.djl.Device;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code svite train}: trains a DeiT and prints the report. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        abbreviateSynopsis = true,
        description = "Train a DeiT on an image dataset and print a report (test accuracy, parameters, MACs;"
                + " with --method svite also the sparsity of every layer).",
        footer = {"", "The run folder of --out and every file in it: " + TrainHelp.RUN_FOLDER_DOC + " in the svite sources."})
final class TrainCommand implements Callable<Integer> {

    private final TrainRecipe d = TrainRecipe.defaults();

    @Option(names = "--model", paramLabel = "NAME", description = "DeiT preset: deit-mini (default, 28×28 grey), deit-tiny, deit-small, deit-base.")
    String model = d.model();

    @Option(names = "--dataset", paramLabel = "KIND", description = "fashion-mnist (default), cifar10, folder or synthetic.")
    String dataset = d.dataset();

    @Option(names = "--data", paramLabel = "DIR", description = "Dataset folder (default: none; Fashion-MNIST is then looked for in $SVITE_DATA and /usr/share/datasets/fashion-mnist).")
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

    @Option(names = "--ema", paramLabel = "DECAY", description = "Keep a moving average of the weights with this decay in [0, 1) (DeiT: 0.99996) and report its test accuracy, under the run's masks, after every epoch (default: ${DEFAULT-VALUE}, none).")
    double ema;

    @Option(names = "--drop-path", paramLabel = "RATE", description = "Stochastic-depth rate (default: the preset's).")
    Double dropPath;

    @Option(names = "--augment", paramLabel = "PRESET", description = "Augmentation preset: deit, cifar or none, described in docs/design.md (default: cifar for cifar10, deit for folder, none otherwise).")
    String augment;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of initialisation and data order (default: ${DEFAULT-VALUE}).")
    long seed = d.seed();

    @Option(names = "--seeds", paramLabel = "N", description = "Train with seeds --seed … --seed + N − 1 (each into DIR/seed-S/); print mean ± std of the accuracy (default: none, one run).")
    Integer seeds;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder for the model, recipe, metrics and report (default: none).")
    Path out;

    @Option(names = "--device", paramLabel = "DEV", description = "cpu, gpu or gpu:N (default: the engine's default device).")
    String device;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;

    @Option(names = "--method", paramLabel = "NAME", description = "The training method (default: dense): svite (unstructured dynamic sparse training), s2vite (structured: heads and neurons), or a baseline: omp, gmp, tp (magnitude and Taylor pruning), ssp (structured salience pruning), small-dense (a shallower dense DeiT), vit-slim, vtp (soft-mask search, then compaction). Their options: below.")
    String method = "dense";

    // not usageHelp: picocli allows one such option per command; call() prints the help
    @Option(names = "--help-all", description = "Show this help with every method's options described, and exit.")
    boolean helpAll;

    @Mixin SviteOptions sparse;

    @Mixin S2viteOptions structured;

    @Mixin TokenOptions tokens;

    @Mixin BaselineOptions baselines;

    @Mixin SspOptions ssp;

    @Mixin MaskSearchOptions masks;

    @Option(names = "--checkpoint-every", paramLabel = "STEPS", description = "With --out: also write a checkpoint every STEPS optimizer steps, counted over the whole run (default: only at the end of every epoch).")
    Long checkpointEvery;

    @Option(names = "--keep-checkpoints", paramLabel = "K", description = "With --out: keep the newest K checkpoints in DIR/checkpoints (default: 3).")
    Integer keepCheckpoints;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR (written with --out) from its newest complete checkpoint with its recipe, to the result the uninterrupted run would have had; only --checkpoint-every, --keep-checkpoints, --device, --json and --quiet may be given with it (default: none, a new run)")
    Path resume;

    @Option(names = "--config", paramLabel = "FILE", description = "Read option values from a YAML or JSON recipe (keys are the option names, e.g. 'epochs: 3'); flags override it. Every run with --out writes its effective recipe as recipe.json, which --config reads back (default: none).")
    Path config;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Where checkpoints are written (tests: a slow disk, to interrupt a write). */
    private final Storage storage;

    /** The command, writing checkpoints to the local disk. */
    TrainCommand() {
        this(Storage.local());
    }

    /**
     * The command with checkpoints written through another storage.
     *
     * @param storage where the checkpoints' bytes go
     */
    TrainCommand(Storage storage) {
        this.storage = storage;
    }

    /** Options that may differ when a run is resumed: they do not change what is computed. */
    static final Set<String> CHANGEABLE_ON_RESUME = Set.of("checkpoint-every", "keep-checkpoints", "device");

    @Override
    public Integer call() throws Exception {
        if (helpAll) {
            spec.commandLine().usage(System.out);
            return 0;
        }
        if (seeds != null) {
            SeedSummary summary = executeSeeds();
            System.out.print(json ? summary.json() + "\n" : summary.text());
            return 0;
        }
        TrainResult result = execute();
        System.out.print(json ? TrainReport.jsonText(result) + "\n" : TrainReport.text(result));
        return 0;
    }

    /**
     * Runs the training the options describe (writing the run folder, if any) without printing the
     * report.
     *
     * @return the run's result
     * @throws Exception for bad options (IllegalArgumentException), data or file errors
     */
    TrainResult execute() throws Exception {
        if (resume != null) {
            checkResumeOptions();
            out = resume;
        }
        TrainRecipe recipe = recipe();
        TrainingMethod trainingMethod = method(recipe);
        DeiTConfig.preset(recipe.model()); // fail on an unknown model before loading any data
        Device dev = Conversions.device(device);
        CheckpointPolicy policy = checkpointPolicy();
        try (ImageData images = TrainingRun.openData(recipe)) {
            TrainingRun run = new TrainingRun(recipe, images, dev, quiet ? null : System.err).withStorage(storage);
            if (resume != null) {
                return run.resumeIn(trainingMethod, resume, policy);
            }
            if (out != null) {
                return run.runInto(trainingMethod, out, policy, RecipeFile.effective(spec));
            }
            run.check(trainingMethod);
            return run.run(trainingMethod, null, policy);
        } catch (TrainingStoppedException e) {
            if (out == null) {
                throw e;
            }
            throw new TrainingStoppedException(
                    e.getMessage() + "; 'svite train --resume " + out + "' continues from the newest checkpoint in it");
        }
    }

    /**
     * Runs the training of {@code --seeds}: once per seed, each into {@code OUT/seed-S} with a
     * folder, whose {@code recipe.json} is that seed's single run.
     *
     * @return every seed's result
     * @throws Exception for bad options (IllegalArgumentException), data or file errors
     */
    SeedSummary executeSeeds() throws Exception {
        if (resume != null) {
            throw new IllegalArgumentException("--seeds cannot be given with --resume: resume each seed's folder"
                    + " DIR/seed-S on its own");
        }
        if (checkpointEvery != null || keepCheckpoints != null) {
            throw new IllegalArgumentException("--checkpoint-every and --keep-checkpoints cannot be given with --seeds");
        }
        SeedSweep.seeds(seed, seeds);
        TrainRecipe recipe = recipe();
        method(recipe); // every option checked before the first seed trains
        DeiTConfig.preset(recipe.model());
        Device dev = Conversions.device(device);
        long first = seed;
        try {
            return SeedSweep.run(recipe, seeds, this::method, dev, quiet ? null : System.err, out, r -> {
                seed = r.seed(); // the seed's recipe.json records its own seed
                return RecipeFile.effective(spec);
            });
        } finally {
            seed = first;
        }
    }

    /** The recipe of the options. */
    private TrainRecipe recipe() {
        return new TrainRecipe(
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
                        tokens.selection(),
                        augment,
                        ema);
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
        ssp.requireFor(method);
        masks.requireFor(method);
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
            case "ssp": {
                sparse.requireUnused(method);
                UnitBudget budget = structured.budgetFor(method);
                // a budget that leaves a block without a head or neuron fails here, before any data is read
                SspMethod.compactedArchitecture(DeiTConfig.preset(recipe.model()), budget);
                return new SspMethod(budget, ssp.salience(), baselines.split(method, recipe), ssp.batches());
            }
            case "omp":
            case "gmp":
            case "tp":
            case "small-dense":
                sparse.requireOnlySparsity(method);
                structured.requireUnused(method);
                return baselines.method(method, sparse.sparsity(), recipe);
            case "vit-slim":
            case "vtp":
                sparse.requireUnused(method);
                structured.requireUnused(method);
                return masks.method(method, recipe);
            default:
                throw new IllegalArgumentException("unknown method '" + method + "'; known: " + String.join(", ", METHODS));
        }
    }

    /**
     * The checkpoint policy of {@code --checkpoint-every} and {@code --keep-checkpoints}.
     *
     * @return the policy
     * @throws IllegalArgumentException for values out of range, or the options given without a run folder
     */
    CheckpointPolicy checkpointPolicy() {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (out == null && resume == null) {
            for (String option : new String[] {"--checkpoint-every", "--keep-checkpoints"}) {
                if (parsed != null && parsed.hasMatchedOption(option)) {
                    throw new IllegalArgumentException(option + " needs a run folder: give --out DIR");
                }
            }
        }
        if (checkpointEvery != null && checkpointEvery < 1) {
            throw new IllegalArgumentException(
                    "--checkpoint-every must be >= 1 step (leave it out to checkpoint at the end of every epoch only), got "
                            + checkpointEvery);
        }
        if (keepCheckpoints != null && keepCheckpoints < 1) {
            throw new IllegalArgumentException("--keep-checkpoints must be >= 1, got " + keepCheckpoints);
        }
        return new CheckpointPolicy(
                checkpointEvery == null ? 0 : checkpointEvery,
                keepCheckpoints == null ? CheckpointPolicy.DEFAULT_KEEP : keepCheckpoints);
    }

    /** A resumed run takes its recipe from its folder: recipe options on the command line are refused. */
    private void checkResumeOptions() {
        if (out != null && !out.toAbsolutePath().normalize().equals(resume.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--resume " + resume + " continues in its own folder; do not give --out " + out);
        }
        for (CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String name = RecipeFile.name(o);
            if (!RecipeFile.NOT_RECIPE.contains(name) && !CHANGEABLE_ON_RESUME.contains(name)) {
                throw new IllegalArgumentException(
                        o.longestName() + " cannot be given with --resume: a resumed run continues with the recipe in "
                                + resume.resolve("recipe.json") + " (only --checkpoint-every, --keep-checkpoints,"
                                + " --device, --json and --quiet may change)");
            }
        }
    }

    /** The methods {@code --method} accepts: the registry's, in its order. */
    static final List<String> METHODS = Methods.names();
}
