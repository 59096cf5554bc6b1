package io.svite.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The help of {@code svite train}: its options under headings a user scans, instead of one
 * alphabetical block of sixty. {@code --help} shows the options every run uses in full and only
 * the names of each method's options; {@code --help-all} shows every section in full.
 */
final class TrainHelp {

    /** A heading and the options under it, in the order shown. */
    record Section(String heading, boolean common, List<String> options) {}

    /** Every option of {@code svite train}, each in exactly one section (a test checks it). */
    static final List<Section> SECTIONS = List.of(
            new Section("Data and model", true, List.of("--method", "--model", "--dataset", "--data", "--augment", "--device")),
            new Section("Optimisation", true, List.of("--epochs", "--batch-size", "--max-batches", "--lr", "--min-lr",
                    "--weight-decay", "--warmup-epochs", "--label-smoothing", "--drop-path", "--seed", "--seeds")),
            new Section("Run folder and resume", true, List.of("--out", "--resume", "--config", "--checkpoint-every",
                    "--keep-checkpoints")),
            new Section("Output and help", true, List.of("--json", "--quiet", "--help", "--help-all", "--version")),
            new Section("SViTE (--method svite)", false,
                    List.of("--sparsity", "--distribution", "--update-every", "--update-until", "--prune-fraction",
                            "--decay", "--mask-seed")),
            new Section("Weight average (--ema)", false, List.of("--ema")),
            new Section("SViTE+ token selection (--tokens)", false, List.of("--tokens", "--scorer", "--tau")),
            new Section("S2ViTE (--method s2vite)", false,
                    List.of("--heads", "--neurons", "--structured-sparsity", "--structured-distribution",
                            "--neuron-prune", "--score-window", "--force-swap", "--gated-units", "--unit-seed")),
            new Section("Baselines (--method omp, gmp, tp, small-dense)", false, List.of("--scope", "--dense-epochs",
                    "--prune-start", "--prune-end", "--prune-events", "--initial-sparsity", "--tp-mode", "--tp-window",
                    "--depth-rule")),
            new Section("SSP (--method ssp)", false, List.of("--salience", "--salience-batches")),
            new Section("ViT-Slim and VTP (--method vit-slim, vtp)", false, List.of("--l1", "--search-epochs", "--slim-budget", "--slim-measure",
                    "--slim-dims", "--vtp-ratio", "--vtp-threshold")));

    /** Where the run folder is described; the last line of the help. */
    static final String RUN_FOLDER_DOC = "docs/run-folder.md";

    private TrainHelp() {}

    /**
     * Replaces the train command's option list by the sectioned one.
     *
     * @param train the {@code train} command line
     */
    static void install(CommandLine train) {
        Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>(train.getHelpSectionMap());
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, help -> "");
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                help -> render(help, ((TrainCommand) train.getCommand()).helpAll));
        train.setHelpSectionMap(sections);
    }

    /**
     * The option sections.
     *
     * @param help picocli's help of the train command
     * @param all every section in full, or the method sections as names only
     * @return the text
     */
    static String render(Help help, boolean all) {
        Map<String, OptionSpec> byName = new LinkedHashMap<>();
        for (OptionSpec o : help.commandSpec().options()) {
            byName.put(o.longestName(), o);
        }
        StringBuilder text = new StringBuilder();
        List<Section> brief = new ArrayList<>();
        for (Section s : SECTIONS) {
            if (!s.common() && !all) {
                brief.add(s);
                continue;
            }
            Help.Layout layout = help.createDefaultLayout();
            for (String name : s.options()) {
                OptionSpec o = byName.remove(name);
                if (o == null) {
                    throw new IllegalStateException("train help: no option " + name);
                }
                layout.addOption(o, help.createDefaultParamLabelRenderer());
            }
            text.append('\n').append(s.heading()).append(":\n").append(layout);
        }
        if (!brief.isEmpty()) {
            int width = help.commandSpec().usageMessage().width();
            text.append("\nMethod options (svite train --help-all describes them, with their defaults):\n");
            for (Section s : brief) {
                byName.keySet().removeAll(s.options());
                text.append(wrapped("  " + s.heading() + ": ", String.join(" ", s.options()), width));
            }
        }
        if (!byName.isEmpty()) { // an option added without a section still shows
            Help.Layout layout = help.createDefaultLayout();
            byName.values().forEach(o -> layout.addOption(o, help.createDefaultParamLabelRenderer()));
            text.append("\nOther options:\n").append(layout);
        }
        return text.toString();
    }

    private static String wrapped(String head, String words, int width) {
        StringBuilder out = new StringBuilder(head);
        int column = head.length();
        String indent = "      ";
        for (String w : words.split(" ")) {
            if (column + w.length() + 1 > width && column > indent.length()) {
                out.append('\n').append(indent);
                column = indent.length();
            } else if (column > 0 && out.charAt(out.length() - 1) != ' ') {
                out.append(' ');
                column++;
            }
            out.append(w);
            column += w.length();
        }
        return out.append('\n').toString();
    }
}
