package io.svite.examples.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the {@code svite} command line in this JVM for the tests of the methods' options. */
final class SviteCli {

    private SviteCli() {}

    /** The exit code, standard output and standard error of one command. */
    record Result(int code, String out, String err) {
        JsonObject json() {
            if (code != 0) {
                throw new AssertionError("exit code " + code + ": " + err);
            }
            return JsonParser.parseString(out).getAsJsonObject();
        }
    }

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Svite.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A synthetic training run (2 epochs of 2 batches unless --max-batches is given) of a method with extra options, as JSON. */
    static JsonObject train(String method, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "train", "--method", method, "--dataset", "synthetic", "--batch-size", "8", "--epochs", "2", "--json",
                "--quiet"));
        if (!java.util.List.of(extra).contains("--max-batches")) {
            args.addAll(java.util.List.of("--max-batches", "2"));
        }
        args.addAll(java.util.List.of(extra));
        return run(args.toArray(new String[0])).json();
    }

    /** The plan of a method on deit-mini with extra options, as JSON. */
    static JsonObject plan(String method, String... extra) {
        String[] base = {"plan", "--model", "deit-mini", "--method", method, "--json"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(args).json();
    }
}
