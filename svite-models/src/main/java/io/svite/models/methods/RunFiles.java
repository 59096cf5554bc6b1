package io.svite.models.methods;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The names of the folders a run folder holds and the way methods write their own files into it.
 */
public final class RunFiles {

    /** The folder of the saved (final) model inside a run folder. */
    public static final String MODEL = "model";

    /** The folder of a structured run's gated model, before compaction, inside a run folder. */
    public static final String GATED = "gated";

    private RunFiles() {}

    /**
     * Writes a text file through a temporary file next to it and a rename.
     *
     * @param target the file
     * @param content the text
     * @throws IOException if it cannot be written
     */
    public static void writeAtomically(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
}
