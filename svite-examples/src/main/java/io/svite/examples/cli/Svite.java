package io.svite.examples.cli;

import io.svite.core.training.ExitGuard;
import io.svite.core.training.TrainingStoppedException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code svite} command line: train, evaluate, plan, compact, benchmark and report on sparse
 * vision transformers.
 */
@Command(
        name = "svite",
        mixinStandardHelpOptions = true,
        version = "svite 0.1.0",
        description = "Sparse vision transformers, trained end to end on DJL.",
        subcommands = {TrainCommand.class, EvalCommand.class, PlanCommand.class, CompactCommand.class, BenchCommand.class,
                CompareCommand.class,
                ReportCommand.class, CommandLine.HelpCommand.class})
public final class Svite implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns its exit status (0 on success), for tests and examples.
     *
     * @param args the arguments
     * @return the exit status
     */
    public static int run(String... args) {
        return run(CommandLine.defaultFactory(), args);
    }

    /**
     * Runs the command line with commands made by a factory (tests: a {@code train} whose
     * checkpoints go to a slow disk) and returns its exit status.
     *
     * @param factory makes the command objects
     * @param args the arguments
     * @return the exit status
     */
    static int run(CommandLine.IFactory factory, String... args) {
        CommandLine cli = new CommandLine(new Svite(), factory);
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setParameterExceptionHandler(new ErrorHandler());
        TrainHelp.install(cli.getSubcommands().get("train"));
        java.nio.file.Path config = RecipeFile.configArgument(args);
        java.nio.file.Path resume = RecipeFile.resumeArgument(args);
        if (resume != null && args.length > 0 && args[0].equals("train")) {
            // a resumed run takes its recipe from its folder
            if (config != null) {
                cli.getErr().println("svite: --resume takes the recipe from the run folder; do not give --config too");
                cli.getErr().flush();
                return ErrorHandler.USAGE;
            }
            config = resume.resolve("recipe.json");
            if (!java.nio.file.Files.isRegularFile(config)) {
                cli.getErr().println("svite: " + resume + " is not a run folder to resume: it has no recipe.json"
                        + (java.nio.file.Files.exists(resume) ? "" : " (it does not exist)")
                        + "; start a run with 'svite train --out DIR'");
                cli.getErr().flush();
                return ErrorHandler.USAGE;
            }
        }
        if (config != null && args.length > 0 && cli.getSubcommands().containsKey(args[0])) {
            try {
                CommandLine sub = cli.getSubcommands().get(args[0]);
                RecipeFile.applyAsDefaults(sub.getCommandSpec(), config, RecipeFile.read(config));
            } catch (IllegalArgumentException e) {
                cli.getErr().println("svite: " + e.getMessage());
                cli.getErr().flush();
                return ErrorHandler.USAGE;
            }
        }
        // the JVM's exit (Ctrl-C, kill) waits until the command has left PyTorch: see ExitGuard
        try (ExitGuard.Hold hold = ExitGuard.hold()) {
            return cli.execute(args);
        } catch (TrainingStoppedException e) {
            cli.getErr().println("svite: " + e.getMessage());
            cli.getErr().flush();
            return ErrorHandler.FAILURE;
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
