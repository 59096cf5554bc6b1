package io.svite.models.io;

import io.svite.core.select.ParameterNames;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Saves a DeiT with its architecture and loads it back, refusing weights that do not fit.
 *
 * <p>A saved model is a folder with two files:
 *
 * <pre>
 *   deit.json          {"format": "svite-deit", "formatVersion": 1, "config": {…every DeiTConfig
 *                      component…}, "weights": "deit-0000.params", "weightsBytes": …,
 *                      "weightsSha256": "…"}
 *   deit-0000.params   DJL's own parameter file, as written by Model.save(folder, "deit")
 * </pre>
 *
 * <p>The configuration is written by Gson from the {@link DeiTConfig} record, so a component added
 * to the record later is carried without changes here, as long as it is a plain value (record,
 * enum, number, string, list of those); nulls are written explicitly. Both files are first written
 * to a temporary folder inside the target and then renamed into place, weights first, so a crash
 * never leaves a half-written file under the final names, and a mismatched pair is caught by the
 * recorded size and SHA-256. Plain DJL can read the weights too: {@code
 * model.setBlock(DeiT.of(config)); model.load(folder, "deit")}.
 *
 * <p>DJL's {@code Model.load} checks no shapes (it even rewrites a layer's width from the file).
 * Loading therefore rebuilds the architecture, loads the weights, and then compares every
 * parameter's shape with the one the architecture needs; the first mismatch is reported with the
 * parameter's name and both shapes. Missing files are {@link NoSuchFileException}s; truncated,
 * corrupt or mismatched files are {@link ModelFileException}s; a failed load closes the model it
 * created.
 */
public final class DeiTFiles {

    /** The architecture file's name. */
    public static final String CONFIG_FILE = "deit.json";
    /** The weights file's name (DJL's naming: model name, epoch 0). */
    public static final String WEIGHTS_FILE = "deit-0000.params";
    /** The model name under which DJL writes and reads the weights. */
    public static final String MODEL_NAME = "deit";

    static final String FORMAT = "svite-deit";
    static final int FORMAT_VERSION = 1;

    private static final Gson GSON =
            new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();

    private DeiTFiles() {}

    /**
     * Saves a model whose block is a {@link DeiT}.
     *
     * @param model the model; its block must be an initialised DeiT
     * @param dir the folder to write to, created if needed; an earlier save there is replaced
     * @throws IllegalArgumentException if the block is not a DeiT or {@code dir} is a file
     * @throws IllegalStateException if the model has no parameter values yet
     * @throws IOException if writing fails (no file under the final names is then half-written)
     */
    public static void save(Model model, Path dir) throws IOException {
        Block block = model.getBlock();
        if (!(block instanceof DeiT)) {
            throw new IllegalArgumentException(
                    "DeiTFiles.save needs a model whose block is a DeiT, got "
                            + (block == null ? "no block" : block.getClass().getName()));
        }
        DeiT deit = (DeiT) block;
        if (!deit.isInitialized()) {
            throw new IllegalStateException(
                    "the model has no parameter values yet; initialise, train or load it before saving");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot save into " + dir + ": it is a file, not a folder");
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempDirectory(dir, ".deit-save-");
        try {
            model.save(tmp, MODEL_NAME);
            Path written = writtenWeights(tmp);
            SavedDeiT saved =
                    new SavedDeiT(
                            FORMAT, FORMAT_VERSION, deit.config(), WEIGHTS_FILE, Files.size(written), sha256(written));
            Path json = tmp.resolve(CONFIG_FILE);
            Files.writeString(json, GSON.toJson(saved) + "\n", StandardCharsets.UTF_8);
            move(written, dir.resolve(WEIGHTS_FILE));
            move(json, dir.resolve(CONFIG_FILE));
        } finally {
            deleteTree(tmp);
        }
    }

    /**
     * Saves an initialised DeiT block (wrapping it in a temporary DJL model).
     *
     * @param deit the block, initialised
     * @param dir the folder to write to
     * @throws IllegalStateException if the block has no parameter values yet
     * @throws IOException if writing fails
     */
    public static void save(DeiT deit, Path dir) throws IOException {
        if (!deit.isInitialized()) {
            throw new IllegalStateException(
                    "the model has no parameter values yet; initialise, train or load it before saving");
        }
        Parameter first = deit.getParameters().valueAt(0);
        try (Model model = Model.newInstance(MODEL_NAME, first.getArray().getDevice())) {
            model.setDataType(first.getArray().getDataType());
            model.setBlock(deit);
            save(model, dir);
        }
    }

    /**
     * Reads the architecture of a saved model without loading its weights.
     *
     * @param dir a folder written by {@link #save(Model, Path)}
     * @return the architecture
     * @throws NoSuchFileException if the folder or its {@value #CONFIG_FILE} does not exist
     * @throws ModelFileException if the file is not a valid architecture file
     * @throws IOException if reading fails
     */
    public static DeiTConfig readConfig(Path dir) throws IOException {
        return readSaved(dir).config();
    }

    /**
     * Loads a saved model with the architecture recorded next to its weights.
     *
     * @param dir a folder written by {@link #save(Model, Path)}
     * @param device where the parameters go; {@code null} for the engine's default
     * @return a new model whose block is the loaded {@link DeiT}; the caller closes it
     * @throws NoSuchFileException if the folder or one of its two files does not exist
     * @throws ModelFileException if a file is truncated, corrupt or does not fit the architecture
     * @throws IOException if reading fails
     */
    public static Model load(Path dir, Device device) throws IOException {
        SavedDeiT saved = readSaved(dir);
        verifyWeights(dir, saved);
        return loadInto(dir, saved.config(), null, device);
    }

    /**
     * Loads saved weights into a given architecture, refusing weights of another one (for instance
     * a compacted model's weights into the dense configuration).
     *
     * <p>The folder needs the weights file only; if {@value #CONFIG_FILE} is present the weights are
     * first checked against its recorded size and SHA-256.
     *
     * @param dir a folder holding {@value #WEIGHTS_FILE}
     * @param architecture the architecture the weights must fit
     * @param device where the parameters go; {@code null} for the engine's default
     * @return a new model whose block is the loaded {@link DeiT}; the caller closes it
     * @throws NoSuchFileException if the folder or the weights file does not exist
     * @throws ModelFileException if a file is truncated or corrupt, or a parameter's shape differs
     *     from the architecture's
     * @throws IOException if reading fails
     */
    public static Model load(Path dir, DeiTConfig architecture, Device device) throws IOException {
        Objects.requireNonNull(architecture, "architecture");
        requireFolder(dir);
        DeiTConfig recorded = null;
        if (Files.exists(dir.resolve(CONFIG_FILE))) {
            SavedDeiT saved = readSaved(dir);
            verifyWeights(dir, saved);
            recorded = saved.config();
        }
        return loadInto(dir, architecture, recorded, device);
    }

    /**
     * Builds {@code architecture}, loads the weights into it and checks every shape.
     *
     * @param recorded the architecture recorded next to the weights, named in errors; may be null
     */
    private static Model loadInto(Path dir, DeiTConfig architecture, DeiTConfig recorded, Device device)
            throws IOException {
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            throw new NoSuchFileException(weights.toString(), null, "no weights file");
        }
        checkDjlHeader(weights);
        Model model = Model.newInstance(MODEL_NAME, device);
        boolean loaded = false;
        try {
            Map<String, Shape> expected = expectedShapes(architecture, model.getNDManager());
            DeiT deit = DeiT.of(architecture);
            model.setBlock(deit);
            try {
                model.load(dir, MODEL_NAME, Map.of("epoch", "0"));
            } catch (EOFException e) {
                throw new ModelFileException(weights + " is truncated: it ended while reading the weights", e);
            } catch (IOException | MalformedModelException | RuntimeException e) {
                throw new ModelFileException(
                        weights + " does not hold weights of the architecture " + summary(architecture)
                                + recordedNote(recorded) + " (DJL: " + e.getMessage() + ")",
                        e);
            }
            checkShapes(deit, expected, weights, recordedNote(recorded));
            // A block loaded by Model.load has no input names, and saving it again would fail in
            // describeInput; initialising it with its input shape restores them and keeps every
            // loaded array (Parameter.initialize leaves initialised arrays alone).
            deit.initialize(
                    model.getNDManager(),
                    ai.djl.ndarray.types.DataType.FLOAT32,
                    new Shape(1, architecture.channels(), architecture.imageSize(), architecture.imageSize()));
            loaded = true;
            return model;
        } finally {
            if (!loaded) {
                model.close();
            }
        }
    }

    /** Shapes the architecture gives its parameters, from a throw-away instance with no data. */
    private static Map<String, Shape> expectedShapes(DeiTConfig architecture, NDManager parent) {
        DeiT probe = DeiT.of(architecture);
        probe.setInitializer((m, shape, type) -> m.zeros(new Shape(0), type), p -> true);
        try (NDManager scratch = parent.newSubManager()) {
            probe.initialize(
                    scratch,
                    DataType.FLOAT32,
                    new Shape(1, architecture.channels(), architecture.imageSize(), architecture.imageSize()));
            Map<String, Shape> shapes = new HashMap<>();
            for (Pair<String, Parameter> p : probe.getParameters()) {
                shapes.put(p.getKey(), p.getValue().getShape());
            }
            return shapes;
        }
    }

    private static void checkShapes(DeiT deit, Map<String, Shape> expected, Path weights, String note)
            throws ModelFileException {
        for (Pair<String, Parameter> p : deit.getParameters()) {
            String name = ParameterNames.display(p.getKey());
            if (!p.getValue().isInitialized()) {
                throw new ModelFileException(weights + " has no value for parameter " + name);
            }
            Shape actual = p.getValue().getArray().getShape();
            Shape needed = expected.get(p.getKey());
            if (!actual.equals(needed)) {
                throw new ModelFileException(
                        weights + " does not fit the architecture: parameter " + name + " has shape "
                                + actual + " in the file but the architecture needs " + needed + note);
            }
        }
    }

    private static SavedDeiT readSaved(Path dir) throws IOException {
        requireFolder(dir);
        Path json = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(json)) {
            throw new NoSuchFileException(
                    json.toString(), null, "no saved DeiT here (its architecture file is missing)");
        }
        String text;
        try {
            text = Files.readString(json, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ModelFileException(json + " is not a text file", e);
        }
        SavedDeiT saved;
        try {
            saved = GSON.fromJson(text, SavedDeiT.class);
        } catch (JsonParseException e) {
            throw new ModelFileException(json + " is not valid JSON: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelFileException(json + " describes an invalid architecture: " + rootMessage(e), e);
        }
        if (saved == null) {
            throw new ModelFileException(json + " is empty");
        }
        if (!FORMAT.equals(saved.format())) {
            throw new ModelFileException(
                    json + " is not a saved svite DeiT (format is " + saved.format() + ", expected " + FORMAT + ")");
        }
        if (saved.formatVersion() != FORMAT_VERSION) {
            throw new ModelFileException(
                    json + " has format version " + saved.formatVersion() + "; this svite reads version "
                            + FORMAT_VERSION);
        }
        if (saved.config() == null) {
            throw new ModelFileException(json + " has no architecture (\"config\")");
        }
        if (!WEIGHTS_FILE.equals(saved.weights()) || saved.weightsSha256() == null) {
            throw new ModelFileException(
                    json + " must name " + WEIGHTS_FILE + " with its size and SHA-256, got weights "
                            + saved.weights());
        }
        return saved;
    }

    private static void verifyWeights(Path dir, SavedDeiT saved) throws IOException {
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            throw new NoSuchFileException(
                    weights.toString(), null, "no weights file next to " + CONFIG_FILE);
        }
        long size = Files.size(weights);
        if (size != saved.weightsBytes()) {
            throw new ModelFileException(
                    weights + " has " + size + " bytes but " + CONFIG_FILE + " records "
                            + saved.weightsBytes()
                            + (size < saved.weightsBytes()
                                    ? ": the file is truncated"
                                    : ": the file was changed after saving"));
        }
        if (!sha256(weights).equals(saved.weightsSha256())) {
            throw new ModelFileException(
                    weights + " does not match the SHA-256 recorded in " + CONFIG_FILE
                            + ": the file is corrupt or was replaced after saving");
        }
    }

    private static void checkDjlHeader(Path weights) throws IOException {
        byte[] magic = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(weights)) {
            n = in.readNBytes(magic, 0, 4);
        }
        if (n < 4 || !"DJL@".equals(new String(magic, StandardCharsets.US_ASCII))) {
            throw new ModelFileException(weights + " is not a DJL parameter file (it does not start with DJL@)");
        }
    }

    private static void requireFolder(Path dir) throws NoSuchFileException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such folder");
        }
    }

    private static Path writtenWeights(Path tmp) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(tmp)) {
            files.filter(p -> p.getFileName().toString().endsWith(".params")).forEach(found::add);
        }
        if (found.size() != 1) {
            throw new IOException("DJL wrote " + found.size() + " parameter files into " + tmp + ", expected 1");
        }
        return found.get(0);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String summary(DeiTConfig c) {
        List<Integer> heads = new ArrayList<>();
        List<Integer> neurons = new ArrayList<>();
        for (BlockShape b : c.blocks()) {
            heads.add(b.heads());
            neurons.add(b.hidden());
        }
        return "width " + c.width() + ", depth " + c.depth() + ", heads per block " + heads
                + ", MLP neurons per block " + neurons + ", " + c.classes() + " classes";
    }

    private static String recordedNote(DeiTConfig recorded) {
        return recorded == null ? "" : "; " + CONFIG_FILE + " says they are for " + summary(recorded);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /**
     * The JSON text of a configuration, as written into {@value #CONFIG_FILE}.
     *
     * @param config the architecture
     * @return pretty-printed JSON with one field per record component
     */
    public static String toJson(DeiTConfig config) {
        return GSON.toJson(config);
    }

    /**
     * Parses a configuration written by {@link #toJson(DeiTConfig)}.
     *
     * @param json the JSON text
     * @return the configuration, validated by its constructor
     * @throws IllegalArgumentException if the text is not valid JSON or not a valid configuration
     */
    public static DeiTConfig configFromJson(String json) {
        DeiTConfig config;
        try {
            config = GSON.fromJson(json, DeiTConfig.class);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("not a valid JSON configuration: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid configuration: " + rootMessage(e), e);
        }
        if (config == null) {
            throw new IllegalArgumentException("empty JSON configuration");
        }
        return config;
    }
}
