package io.svite.core.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads Fashion-MNIST (60,000 training and 10,000 test grey 28×28 images of 10 clothing classes)
 * from its IDX files.
 *
 * <p>Where it looks, in order: the folder given with {@code --data}, {@code $SVITE_DATA}, {@code
 * /usr/share/datasets/fashion-mnist} (Debian package {@code dataset-fashion-mnist}), then DJL's own
 * download when the machine is online and {@code ai.djl.offline} is not set. A folder counts when
 * it holds {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code
 * t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each optionally {@code .gz}.
 */
public final class FashionMnist {

    /** The folder the Debian package installs. */
    public static final Path DEBIAN_FOLDER = Paths.get("/usr/share/datasets/fashion-mnist");

    /** The classes, index = label. */
    public static final List<String> CLASSES =
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final float[] MEAN = {0.2860f};
    private static final float[] STD = {0.3530f};
    private static final String[] FILES = {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
    };

    private FashionMnist() {}

    /**
     * Finds and loads the dataset.
     *
     * @param dataFlag the folder given on the command line, if any
     * @return the dataset
     * @throws DataException naming every place it looked when none holds the files
     */
    public static InMemoryImageData load(Optional<Path> dataFlag) {
        return load(dataFlag, Optional.ofNullable(System.getenv("SVITE_DATA")).filter(s -> !s.isBlank()).map(Paths::get));
    }

    /**
     * Finds and loads the dataset, with the environment variable given explicitly (for tests).
     *
     * @param dataFlag the folder given on the command line, if any
     * @param envFolder the value of {@code $SVITE_DATA}, if set
     * @return the dataset
     */
    public static InMemoryImageData load(Optional<Path> dataFlag, Optional<Path> envFolder) {
        if (dataFlag.isPresent()) {
            // An explicit folder is the user's choice: never silently fall back to another one.
            return fromFolder(requireFolder(dataFlag.get(), "--data"));
        }
        if (envFolder.isPresent()) {
            return fromFolder(requireFolder(envFolder.get(), "$SVITE_DATA"));
        }
        if (holdsFiles(DEBIAN_FOLDER)) {
            return fromFolder(DEBIAN_FOLDER);
        }
        List<String> looked = new ArrayList<>();
        looked.add("--data (not given)");
        looked.add("$SVITE_DATA (not set)");
        looked.add(DEBIAN_FOLDER + " (not there)");
        if (Boolean.getBoolean("ai.djl.offline")) {
            looked.add("DJL download (skipped: ai.djl.offline=true)");
        } else {
            try {
                return fromDjl();
            } catch (RuntimeException | java.io.IOException | ai.djl.translate.TranslateException e) {
                looked.add("DJL download (failed: " + e.getMessage() + ")");
            }
        }
        throw new DataException(
                "Fashion-MNIST not found. Looked in: " + String.join("; ", looked)
                        + ". Install it with 'apt-get install -y dataset-fashion-mnist', or pass --data DIR"
                        + " with the four idx files from https://github.com/zalandoresearch/fashion-mnist");
    }

    /**
     * Loads the four IDX files from a folder.
     *
     * @param folder a folder holding the files
     * @return the dataset
     */
    public static InMemoryImageData fromFolder(Path folder) {
        ImageTensors train = read(folder, FILES[0], FILES[1]);
        ImageTensors test = read(folder, FILES[2], FILES[3]);
        return new InMemoryImageData("fashion-mnist", CLASSES, train, test, MEAN, STD);
    }

    private static Path requireFolder(Path folder, String source) {
        if (!Files.isDirectory(folder)) {
            throw new DataException(
                    "Fashion-MNIST folder " + folder + " (from " + source + ") does not exist or is not a folder;"
                            + " install it with 'apt-get install -y dataset-fashion-mnist' or give a folder with"
                            + " the four idx files");
        }
        List<String> missing = new ArrayList<>();
        for (String f : FILES) {
            if (find(folder, f).isEmpty()) {
                missing.add(f + "[.gz]");
            }
        }
        if (!missing.isEmpty()) {
            throw new DataException(
                    "Fashion-MNIST folder " + folder + " (from " + source + ") lacks " + String.join(", ", missing)
                            + "; install it with 'apt-get install -y dataset-fashion-mnist' or copy the files there");
        }
        return folder;
    }

    static boolean holdsFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        for (String f : FILES) {
            if (find(folder, f).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Path> find(Path folder, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static ImageTensors read(Path folder, String imagesFile, String labelsFile) {
        Path imagesPath = find(folder, imagesFile).orElseThrow();
        Path labelsPath = find(folder, labelsFile).orElseThrow();
        IdxFile images = IdxFile.read(imagesPath, 3);
        IdxFile labels = IdxFile.read(labelsPath, 1);
        if (images.dims()[0] != labels.dims()[0]) {
            throw new DataException(
                    imagesPath + " holds " + images.dims()[0] + " images but " + labelsPath + " holds "
                            + labels.dims()[0] + " labels");
        }
        if (images.dims()[1] != images.dims()[2]) {
            throw new DataException(imagesPath + " holds images that are not square");
        }
        int[] labelValues = new int[labels.values().length];
        for (int i = 0; i < labelValues.length; i++) {
            labelValues[i] = labels.values()[i] & 0xff;
        }
        return new ImageTensors(images.values(), labelValues, 1, images.dims()[1]);
    }

    private static InMemoryImageData fromDjl() throws java.io.IOException, ai.djl.translate.TranslateException {
        ImageTensors[] splits = new ImageTensors[2];
        Dataset.Usage[] usages = {Dataset.Usage.TRAIN, Dataset.Usage.TEST};
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int u = 0; u < 2; u++) {
                ai.djl.basicdataset.cv.classification.FashionMnist ds =
                        ai.djl.basicdataset.cv.classification.FashionMnist.builder()
                                .optUsage(usages[u])
                                .optManager(manager)
                                .setSampling(1, false)
                                .build();
                ds.prepare();
                int n = Math.toIntExact(ds.size());
                try (Batch all = ds.getByRange(manager, 0, n)) {
                    NDArray images = all.getData().head().reshape(n, 1, 28, 28).toType(DataType.UINT8, false);
                    NDArray labels = all.getLabels().head().toType(DataType.INT32, false);
                    splits[u] = new ImageTensors(images.toByteArray(), labels.toIntArray(), 1, 28);
                }
            }
        }
        return new InMemoryImageData("fashion-mnist", CLASSES, splits[0], splits[1], MEAN, STD);
    }
}
