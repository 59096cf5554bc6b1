package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Issue 15: the help of every command renders cleanly; train's help is sectioned and shows defaults. */
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
            if (command.equals(List.of("train"))) {
                forms.add(args(command, "--help-all"));
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

    @Test
    void trainHelpShowsTheCommonSectionsInFullAndOnlyTheNamesOfTheMethodOptions() {
        String help = TrainCommandTest.run("train", "--help")[1];
        for (TrainHelp.Section s : TrainHelp.SECTIONS) {
            assertTrue(help.contains(s.heading()), s.heading() + " in " + help);
            for (String option : s.options()) {
                assertTrue(help.contains(option), option + " in " + help);
            }
        }
        assertTrue(help.contains("\nData and model:\n"), help);
        assertTrue(help.contains("\nOptimisation:\n"), help);
        assertTrue(help.contains("\nRun folder and resume:\n"), help);
        // a common option with its description, a method option by name only
        assertTrue(help.contains("Peak learning rate (default: 0.001)"), help);
        assertFalse(help.contains("Gumbel-softmax"), help);
        assertTrue(help.contains("svite train --help-all"), help);
        assertFalse(help.contains("Other options"), "an option without a section: " + help);
        // short: the common options in full, about a screen and a half (82 lines when written)
        assertTrue(help.lines().count() < 90, help.lines().count() + " lines: " + help);

        String all = TrainCommandTest.run("train", "--help-all")[1];
        for (TrainHelp.Section s : TrainHelp.SECTIONS) {
            assertTrue(all.contains("\n" + s.heading() + ":\n"), s.heading() + " in " + all);
        }
        assertTrue(all.contains("Gumbel-softmax temperature"), all);
        assertTrue(all.indexOf("\nOptimisation:\n") < all.indexOf("\nSViTE (--method svite):\n"), all);
        assertFalse(all.contains("Other options"), all);
    }

    @Test
    void everyTrainOptionIsInExactlyOneSection() {
        Set<String> listed = new HashSet<>();
        for (TrainHelp.Section s : TrainHelp.SECTIONS) {
            for (String option : s.options()) {
                assertTrue(listed.add(option), option + " is in two sections");
            }
        }
        CommandLine train = new CommandLine(new Svite()).getSubcommands().get("train");
        Set<String> options = new HashSet<>();
        for (OptionSpec o : train.getCommandSpec().options()) {
            options.add(o.longestName());
        }
        assertEquals(options, listed);
    }

    @Test
    void everyOptionWithAValueSaysItsDefault() {
        List<String> missing = new ArrayList<>();
        for (List<String> command : commands()) {
            CommandLine cli = new CommandLine(new Svite());
            for (String c : command) {
                cli = cli.getSubcommands().get(c);
            }
            for (OptionSpec o : cli.getCommandSpec().options()) {
                boolean flag = o.arity().max() == 0;
                if (flag || o.usageHelp() || o.versionHelp() || o.required()) {
                    continue; // a flag is off unless given; a required option has no default
                }
                String description = String.join(" ", o.description());
                String where = "svite " + String.join(" ", command) + " " + o.longestName() + ": " + description;
                if (!description.contains("default")) {
                    missing.add(where);
                    continue;
                }
                Object initial = o.initialValue();
                // a value the command starts from must be the one the help names
                if (initial != null && !(initial instanceof Boolean) && !description.contains(shown(initial))
                        && !description.contains("(default)") && !description.contains("; default)")
                        && !description.contains("; default ")) {
                    missing.add(where + " [value " + shown(initial) + "]");
                }
            }
        }
        assertTrue(missing.isEmpty(), "options whose help does not say the default:\n" + String.join("\n", missing));
    }

    private static String shown(Object value) {
        if (value instanceof java.util.Collection<?> c) {
            return String.join(",", c.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    @Test
    void theRunFolderPageNamedInTheTrainHelpExists() throws Exception {
        String help = TrainCommandTest.run("train", "--help")[1];
        assertTrue(help.contains(TrainHelp.RUN_FOLDER_DOC), help);
        Path root = Path.of("").toAbsolutePath();
        Path page = (Files.exists(root.resolve("docs")) ? root : root.getParent()).resolve(TrainHelp.RUN_FOLDER_DOC);
        assertTrue(Files.isRegularFile(page), page.toString());
        String readme = Files.readString(page.getParent().getParent().resolve("README.md"));
        assertTrue(readme.contains(TrainHelp.RUN_FOLDER_DOC), "the README links the run-folder page");
    }

    @Test
    void helpAllIsNeitherPartOfARecipeNorSetByOne() throws Exception {
        CommandLine svite = new CommandLine(new Svite());
        svite.parseArgs("train", "--epochs", "1");
        java.util.Map<String, Object> recipe = RecipeFile.effective(svite.getSubcommands().get("train").getCommandSpec());
        assertTrue(recipe.containsKey("epochs"), recipe.toString());
        assertFalse(recipe.containsKey("help-all"), recipe.toString());
        Path file = Files.createTempFile("recipe", ".json");
        try {
            Files.writeString(file, "{\"help-all\": true}");
            String[] r = TrainCommandTest.run("train", "--config", file.toString());
            assertEquals("2", r[0], r[1] + r[2]);
            assertTrue(r[2].contains("unknown option 'help-all'"), r[2]);
        } finally {
            Files.delete(file);
        }
    }
}
