package io.svite.examples.cli;

import io.svite.models.tokens.ScorerShape;
import io.svite.models.tokens.TemperatureSchedule;
import io.svite.models.tokens.TokenSelection;

import picocli.CommandLine.Option;

/**
 * The token-selection (SViTE+) options shared by {@code train} and {@code plan}, and their parsing
 * into a {@link TokenSelection}.
 */
final class TokenOptions {

    @Option(names = "--tokens", paramLabel = "R|K", description = "SViTE+: keep this many patch tokens per image — a ratio in (0, 1] (e.g. 0.7) or a count (e.g. 137); the class token is always kept (default: all).")
    String tokens;

    @Option(names = "--scorer", paramLabel = "KIND", description = "SViTE+: the token scorer, linear (default) or mlp:H (an MLP with H hidden units).")
    String scorer;

    @Option(names = "--tau", paramLabel = "START[:END]", description = "SViTE+: Gumbel-softmax temperature, linear from START to END over training (default: 10:0.1); one value keeps it constant.")
    String tau;

    /**
     * The token selection these options describe, or null when {@code --tokens} is not given.
     *
     * @return the selection, or null
     * @throws IllegalArgumentException for malformed values or scorer/τ options without {@code
     *     --tokens}
     */
    TokenSelection selection() {
        if (tokens == null) {
            if (scorer != null || tau != null) {
                throw new IllegalArgumentException((scorer != null ? "--scorer" : "--tau") + " needs --tokens");
            }
            return null;
        }
        TokenSelection selection = parseTokens(tokens);
        if (scorer != null) {
            selection = selection.withScorer(parseScorer(scorer));
        }
        if (tau != null) {
            selection = selection.withTemperature(parseTau(tau));
        }
        return selection;
    }

    /**
     * Parses {@code --tokens}: a value with a decimal point is a ratio, a whole number a count.
     *
     * @param text the value
     * @return the selection
     */
    static TokenSelection parseTokens(String text) {
        String t = text.trim();
        try {
            if (t.contains(".") || t.contains("e") || t.contains("E")) {
                return TokenSelection.ratio(Double.parseDouble(t));
            }
            return TokenSelection.count(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--tokens must be a ratio in (0, 1] such as 0.7 or a patch count such as 137, got '" + text + "'");
        }
    }

    private static ScorerShape parseScorer(String text) {
        if (text.equals("linear")) {
            return ScorerShape.linear();
        }
        if (text.startsWith("mlp:")) {
            try {
                return ScorerShape.mlp(Integer.parseInt(text.substring(4)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--scorer mlp:H needs a whole number H, got '" + text + "'");
            }
        }
        throw new IllegalArgumentException("--scorer must be linear or mlp:H, got '" + text + "'");
    }

    private static TemperatureSchedule parseTau(String text) {
        String[] parts = text.split(":", -1);
        try {
            if (parts.length == 1) {
                return TemperatureSchedule.constant(Double.parseDouble(parts[0]));
            }
            if (parts.length == 2) {
                return TemperatureSchedule.linear(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--tau must be START:END or one constant value, e.g. 10:0.1, got '" + text + "'");
    }
}
