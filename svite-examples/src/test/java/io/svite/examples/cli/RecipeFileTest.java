package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class RecipeFileTest {

    @TempDir Path dir;

    @Command(name = "toy")
    static final class Toy implements Runnable {
        @Option(names = "--epochs") int epochs = 2;
        @Option(names = "--batch-size") int batchSize = 128;
        @Option(names = "--lr") double lr = 1e-3;
        @Option(names = "--config") Path config;
        @Option(names = "--json") boolean json;

        @Override
        public void run() {}
    }

    private static Toy parse(Path recipe, String... args) {
        Toy toy = new Toy();
        CommandLine cli = new CommandLine(toy);
        if (recipe != null) {
            RecipeFile.applyAsDefaults(cli.getCommandSpec(), recipe, RecipeFile.read(recipe));
        }
        cli.parseArgs(args);
        return toy;
    }

    @Test
    void yamlValuesBecomeDefaultsAndFlagsOverrideThem() throws Exception {
        Path yaml = Files.writeString(dir.resolve("r.yaml"), "epochs: 5\nbatch-size: 32\n");
        Toy toy = parse(yaml, "--batch-size", "64");
        assertEquals(5, toy.epochs);
        assertEquals(64, toy.batchSize);
        assertEquals(1e-3, toy.lr);
    }

    @Test
    void theEffectiveRecipeReadsBackToTheSameValues() throws Exception {
        Toy first = new Toy();
        CommandLine cli = new CommandLine(first);
        cli.parseArgs("--epochs", "7", "--lr", "0.01", "--json");
        Map<String, Object> recipe = RecipeFile.effective(cli.getCommandSpec());
        assertEquals(Map.of("epochs", 7, "batch-size", 128, "lr", 0.01), recipe);
        Path json = Files.writeString(dir.resolve("recipe.json"), RecipeFile.effectiveJson(cli.getCommandSpec()));
        Toy again = parse(json);
        assertEquals(7, again.epochs);
        assertEquals(128, again.batchSize);
        assertEquals(0.01, again.lr);
    }

    @Test
    void unknownKeysAndMalformedFilesAreClearErrors() throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "epoch: 5\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(typo));
        assertTrue(e.getMessage().contains("unknown option 'epoch'") && e.getMessage().contains("epochs"), e.getMessage());

        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"epochs\": [1, 2");
        e = assertThrows(IllegalArgumentException.class, () -> parse(broken));
        assertTrue(e.getMessage().contains("not valid YAML or JSON"), e.getMessage());

        Path list = Files.writeString(dir.resolve("list.yaml"), "- 1\n- 2\n");
        e = assertThrows(IllegalArgumentException.class, () -> parse(list));
        assertTrue(e.getMessage().contains("must be an object"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> parse(dir.resolve("missing.yaml")));
        assertTrue(e.getMessage().contains("cannot read recipe"), e.getMessage());
    }

    @Test
    void findsTheConfigArgumentInBothSpellings() {
        assertEquals(Path.of("a.yaml"), RecipeFile.configArgument(new String[] {"train", "--config", "a.yaml"}));
        assertEquals(Path.of("b.json"), RecipeFile.configArgument(new String[] {"train", "--config=b.json"}));
        assertEquals(null, RecipeFile.configArgument(new String[] {"train"}));
    }
}
