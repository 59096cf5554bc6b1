package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

/** Every sub-command of the command line, found by walking the command tree. */
class SviteTest {

    /** Qualified names of the leaf commands, e.g. {@code bench tokens}. */
    static List<String[]> leaves() {
        List<String[]> out = new ArrayList<>();
        walk(new CommandLine(new Svite()), new ArrayList<>(), out);
        return out;
    }

    private static void walk(CommandLine cli, List<String> path, List<String[]> out) {
        for (var e : cli.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            if (e.getValue().getSubcommands().isEmpty()) {
                out.add(p.toArray(new String[0]));
            } else {
                walk(e.getValue(), p, out);
            }
        }
    }

    private static String[] with(String[] command, String... more) {
        String[] args = new String[command.length + more.length];
        System.arraycopy(command, 0, args, 0, command.length);
        System.arraycopy(more, 0, args, command.length, more.length);
        return args;
    }

    @Test
    void theCommandLineHasTheSubCommandsOfTheIssue() {
        List<String> names = leaves().stream().map(c -> String.join(" ", c)).toList();
        for (String expected : List.of("train", "eval", "plan", "compare", "report", "bench sparse-step", "bench tokens",
                "bench compact")) {
            assertTrue(names.contains(expected), expected + " in " + names);
        }
    }

    @Test
    void everySubCommandHasHelpAndRefusesAnUnknownOptionInOneLine() {
        for (String[] command : leaves()) {
            String name = String.join(" ", command);
            String[] r = TrainCommandTest.run(with(command, "--help"));
            assertEquals("0", r[0], name + " --help: " + r[2]);
            assertTrue(r[1].startsWith("Usage: svite " + name), name + ": " + r[1]);
            assertTrue(r[1].contains("--help"), name);

            r = TrainCommandTest.run(with(command, "--no-such-option"));
            assertEquals("2", r[0], name + ": " + r[2]);
            // picocli names the first problem: the unknown option, or a required option still missing
            assertTrue(r[2].startsWith("svite: Unknown option: '--no-such-option'")
                    || r[2].startsWith("svite: Missing required option"), name + ": " + r[2]);
            assertEquals(2, r[2].lines().count(), "the mistake and where to find the options: " + r[2]);
            assertTrue(r[2].contains("Try 'svite " + name + " --help'"), name + ": " + r[2]);
            assertEquals("", r[1], name + " printed on standard output");
        }
    }

    @Test
    void everyCommandThatPrintsNumbersCanPrintJson() {
        for (String name : List.of("train", "eval", "plan", "compare", "report", "bench sparse-step", "bench tokens",
                "bench compact")) {
            String[] r = TrainCommandTest.run(with(name.split(" "), "--help"));
            assertTrue(r[1].contains("--json"), name + " has no --json: " + r[1]);
        }
    }

    @Test
    void anUnknownCommandIsOneLineWithExitCodeTwo() {
        String[] r = TrainCommandTest.run("trian");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("svite: Unmatched argument at index 0: 'trian'"), r[2]);
        assertTrue(r[2].contains("Did you mean") || r[2].contains("Try 'svite --help'"), r[2]);
    }
}
