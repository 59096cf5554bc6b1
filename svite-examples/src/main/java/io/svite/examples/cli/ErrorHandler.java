package io.svite.examples.cli;

import io.svite.core.data.DataException;
import io.svite.core.training.TrainingStoppedException;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Turns every expected failure into one clear line on standard error and a non-zero exit code;
 * stack traces only for real bugs, or always with {@code SVITE_DEBUG=1}.
 */
final class ErrorHandler
        implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    /** Exit code for bad options or input. */
    static final int USAGE = 2;
    /** Exit code for a failure while running. */
    static final int FAILURE = 1;

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("svite: " + ex.getMessage());
        err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return USAGE;
    }

    @Override
    public int handleExecutionException(
            Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        boolean expected =
                ex instanceof IllegalArgumentException
                        || ex instanceof IllegalStateException
                        || ex instanceof DataException
                        || ex instanceof TrainingStoppedException
                        || ex instanceof java.io.IOException
                        || ex instanceof java.io.UncheckedIOException;
        err.println("svite: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
        if (!expected || "1".equals(System.getenv("SVITE_DEBUG"))) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ex instanceof IllegalArgumentException || ex instanceof DataException ? USAGE : FAILURE;
    }
}
