package io.svite.core.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code checkpoints/} folder of a run: checkpoints that appear whole or not at all.
 *
 * <p>A checkpoint is written into a hidden folder {@code .step-N.partial-…} next to the others: its
 * files first, then {@code manifest.json} (the caller's manifest plus the size and SHA-256 of
 * every file) and {@code manifest.sha256}; everything is synced to the device, and only then is the
 * folder renamed to {@code step-N} (one atomic rename) and the parent folder synced. A process
 * killed at any moment therefore leaves either a complete checkpoint or a hidden partial folder
 * that is never read and is removed by the next run. Reading verifies the manifest's own hash and
 * every file's size and hash before anything is used, so a checkpoint damaged after the fact (a
 * truncated copy, a flipped bit) is refused with a message that names the damaged file.
 *
 * <p>Old checkpoints are removed by renaming them to a hidden {@code .step-N.deleting-…} name
 * first, so a crash in the middle of a removal never leaves a half-deleted checkpoint visible.
 *
 * <p>Every byte, sync and rename goes through a {@link Storage} ({@link Storage#local()} unless
 * the store is opened with another), which is also where tests put a failing or slow disk.
 */
public final class CheckpointStore {

    /** The folder inside a run folder. */
    public static final String FOLDER = "checkpoints";
    /** The manifest's file name inside a checkpoint. */
    public static final String MANIFEST = "manifest.json";
    /** The file holding the manifest's SHA-256. */
    public static final String MANIFEST_HASH = "manifest.sha256";
    /** The value of the manifest's {@code format} field. */
    public static final String FORMAT = "svite-checkpoint";
    /** The manifest format this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern COMPLETE = Pattern.compile("step-(\\d{12})");
    private static final Pattern LEFTOVER = Pattern.compile("\\.step-\\d{12}\\.(partial|deleting)-.*");
    static final Gson GSON =
            new GsonBuilder().setPrettyPrinting().serializeNulls().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();

    private final Path dir;
    private final Storage storage;

    private CheckpointStore(Path dir, Storage storage) {
        this.dir = dir;
        this.storage = storage;
    }

    /**
     * The checkpoints of a run folder (nothing is created until the first checkpoint is written).
     *
     * @param runDir the run folder
     * @return the store
     */
    public static CheckpointStore in(Path runDir) {
        return new CheckpointStore(runDir.resolve(FOLDER), Storage.local());
    }

    /**
     * The checkpoints of a run folder, written through another storage (tests: a disk that fills up).
     *
     * @param runDir the run folder
     * @param storage where bytes, syncs and renames go
     * @return the store
     */
    public static CheckpointStore in(Path runDir, Storage storage) {
        return new CheckpointStore(runDir.resolve(FOLDER), storage);
    }

    /**
     * The {@code checkpoints/} folder.
     *
     * @return the path
     */
    public Path dir() {
        return dir;
    }

    /**
     * The complete checkpoints (by name; not verified), oldest first.
     *
     * @return checkpoint folders, ascending by step
     * @throws IOException if the folder cannot be listed
     */
    public List<Path> list() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (COMPLETE.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparingLong(CheckpointStore::stepOf));
        return out;
    }

    /**
     * The step in a checkpoint folder's name.
     *
     * @param checkpoint a folder named {@code step-N}
     * @return N
     * @throws IllegalArgumentException for another name
     */
    public static long stepOf(Path checkpoint) {
        Matcher m = COMPLETE.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint folder (step-NNNNNNNNNNNN)");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * The folder name of the checkpoint after a step.
     *
     * @param step the training step
     * @return {@code step-} and the step in 12 digits
     */
    public static String nameOf(long step) {
        return String.format(Locale.ROOT, "step-%012d", step);
    }

    /**
     * Removes partial checkpoints and interrupted removals left by a process that died; call it
     * only while no other process writes into this run.
     *
     * @return how many leftovers were removed
     * @throws IOException if one cannot be removed
     */
    public int removeLeftovers() throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (LEFTOVER.matcher(p.getFileName().toString()).matches()) {
                    leftovers.add(p);
                }
            }
        }
        for (Path p : leftovers) {
            LOG.info("removing {} left by an interrupted checkpoint write", p.getFileName());
            deleteTree(p);
        }
        return leftovers.size();
    }

    /**
     * Starts writing the checkpoint after {@code step}.
     *
     * @param step the training step
     * @return the checkpoint being written; commit it, or close it to abandon it
     * @throws IOException if the folders cannot be created
     */
    public PendingCheckpoint begin(long step) throws IOException {
        Files.createDirectories(dir);
        Path partial = dir.resolve("." + nameOf(step) + ".partial-" + UUID.randomUUID());
        Files.createDirectory(partial);
        return new PendingCheckpoint(this, storage, dir, step, partial);
    }

    /**
     * Verifies a checkpoint completely: the manifest's hash, its format, and the size and SHA-256
     * of every file it lists.
     *
     * @param checkpoint the checkpoint folder
     * @return the verified checkpoint
     * @throws CheckpointException naming the checkpoint and what is wrong
     */
    public StoredCheckpoint verify(Path checkpoint) throws CheckpointException {
        String name = checkpoint.getFileName().toString();
        long step;
        try {
            step = stepOf(checkpoint);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
        try {
            byte[] manifestBytes = Files.readAllBytes(checkpoint.resolve(MANIFEST));
            String recorded = Files.readString(checkpoint.resolve(MANIFEST_HASH), StandardCharsets.US_ASCII).trim();
            if (!recorded.equals(sha256(manifestBytes))) {
                throw new CheckpointException(
                        "checkpoint " + name + " is corrupt: " + MANIFEST + " does not match its recorded SHA-256");
            }
            JsonObject manifest;
            try {
                manifest = JsonParser.parseString(new String(manifestBytes, StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new CheckpointException("checkpoint " + name + " has an unreadable manifest: " + e.getMessage(), e);
            }
            if (!manifest.has("format") || !FORMAT.equals(manifest.get("format").getAsString())) {
                throw new CheckpointException("checkpoint " + name + " is not an svite checkpoint");
            }
            int version = manifest.get("formatVersion").getAsInt();
            if (version != FORMAT_VERSION) {
                throw new CheckpointException(
                        "checkpoint " + name + " has format version " + version + "; this svite reads version "
                                + FORMAT_VERSION);
            }
            if (manifest.get("globalStep").getAsLong() != step) {
                throw new CheckpointException(
                        "checkpoint " + name + " records step " + manifest.get("globalStep") + " but is named for step "
                                + step);
            }
            for (Map.Entry<String, JsonElement> f : manifest.getAsJsonObject("files").entrySet()) {
                verifyFile(checkpoint, name, f.getKey(), f.getValue().getAsJsonObject());
            }
            return new StoredCheckpoint(checkpoint, step, manifest);
        } catch (NoSuchFileException e) {
            String missing = e.getFile() == null ? "a file" : Path.of(e.getFile()).getFileName().toString();
            throw new CheckpointException("checkpoint " + name + " is incomplete: " + missing + " is missing", e);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + name + " cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint " + name + " has a malformed manifest: " + e, e);
        }
    }

    private static void verifyFile(Path checkpoint, String name, String relative, JsonObject entry) throws IOException {
        Path file = checkpoint.resolve(relative).normalize();
        if (!file.startsWith(checkpoint)) {
            throw new CheckpointException("checkpoint " + name + " lists a file outside itself: " + relative);
        }
        long bytes = entry.get("bytes").getAsLong();
        long actual = Files.size(file);
        if (actual != bytes) {
            throw new CheckpointException(
                    "checkpoint " + name + " is truncated or damaged: " + relative + " has " + actual
                            + " bytes, the manifest says " + bytes);
        }
        if (!sha256(file).equals(entry.get("sha256").getAsString())) {
            throw new CheckpointException(
                    "checkpoint " + name + " is corrupt: " + relative + " does not match its recorded SHA-256");
        }
    }

    /**
     * Removes a complete checkpoint (renamed to a hidden name first, then deleted).
     *
     * @param checkpoint the checkpoint folder
     * @throws IOException if it cannot be removed
     */
    public void remove(Path checkpoint) throws IOException {
        Path hidden = dir.resolve("." + checkpoint.getFileName() + ".deleting-" + UUID.randomUUID());
        storage.rename(checkpoint, hidden);
        deleteTree(hidden);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The SHA-256 of a file, in lower-case hex.
     *
     * @param file the file
     * @return 64 hex digits
     * @throws IOException if it cannot be read
     */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }
}
