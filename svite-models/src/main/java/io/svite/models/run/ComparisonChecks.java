package io.svite.models.run;

import io.svite.models.methods.Methods;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The checks a {@link Comparison} makes before it writes anything: method names and the output folder. */
final class ComparisonChecks {

    private ComparisonChecks() {}

    /** Every name registered and given once, or an error naming the first that is not. */
    static void methods(List<String> methods) {
        Set<String> seen = new HashSet<>();
        for (String m : methods) {
            if (!Methods.names().contains(m)) {
                throw new IllegalArgumentException(
                        "unknown method '" + m + "' in --methods; known: " + String.join(", ", Methods.names()));
            }
            if (!seen.add(m)) {
                throw new IllegalArgumentException("--methods names " + m + " twice");
            }
        }
    }

    /** A folder that does not exist yet or is empty, or an error naming it. */
    static void newOrEmpty(Path dir) throws IOException {
        if (dir == null) {
            throw new IllegalStateException("a comparison needs an output folder: set out(DIR)");
        }
        if (Files.isRegularFile(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is a file; give a new or empty folder");
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + dir + " is not empty; give a new or empty folder");
                }
            }
        }
    }
}
