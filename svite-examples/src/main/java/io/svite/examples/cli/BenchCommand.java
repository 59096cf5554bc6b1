package io.svite.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code svite bench}: benchmarks that print ratios measured side by side in one run. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks; each measures the variants it compares side by side in one run and prints their ratio.",
        subcommands = {SparseStepBench.class, TokenBenchCommand.class, TrainStepBenchCommand.class, CompactBenchCommand.class, DataBenchCommand.class, CommandLine.HelpCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
