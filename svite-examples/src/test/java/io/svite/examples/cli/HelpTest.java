package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

/** Issue 15: the help of every command renders cleanly. */
class HelpTest {

    /** Every command, the root and the groups included, as argument prefixes: {}, {train}, {bench}, {bench tokens}... */
    private static List<List<String>> commands() {
        List<List<String>> out = new ArrayList<>();
        walk(new CommandLine(new Svite()), new ArrayList<>(), out);
        return out;
    }

    private static void walk(CommandLine cli, List<String> path, List<List<String>> out) {
        out.add(path);
        for (var e : cli.getSubcommands().entrySet()) {
            if (!e.getKey().equals("help")) {
                List<String> p = new ArrayList<>(path);
                p.add(e.getKey());
                walk(e.getValue(), p, out);
            }
        }
    }

    private static String[] args(List<String> command, String... more) {
        List<String> a = new ArrayList<>(command);
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @Test
    void everyCommandsHelpRendersWithNothingOnStandardError() {
        int checked = 0;
        for (List<String> command : commands()) {
            String name = String.join(" ", command);
            List<String[]> forms = new ArrayList<>();
            forms.add(args(command, "--help"));
            if (!command.isEmpty()) {
                List<String> viaHelp = new ArrayList<>(List.of("help"));
                viaHelp.addAll(command.subList(command.size() - 1, command.size()));
                if (command.size() == 1) {
                    forms.add(viaHelp.toArray(new String[0])); // svite help train
                }
            }
            for (String[] form : forms) {
                String[] r = TrainCommandTest.run(form);
                String shown = String.join(" ", form);
                assertEquals("0", r[0], shown + ": " + r[2]);
                // picocli reports a description it cannot format ('%' not escaped) as a WARN on stderr
                assertEquals("", r[2], "svite " + shown + " wrote to standard error");
                assertTrue(r[1].startsWith("Usage: svite" + (name.isEmpty() ? "" : " " + name)), shown + ": " + r[1]);
                assertFalse(r[1].contains("%n") || r[1].contains("%%"), "an unformatted description: " + r[1]);
                checked++;
            }
        }
        assertTrue(checked >= 14, "walked " + checked + " help texts");
    }
}
