package io.svite.core.data;

import io.svite.core.augment.Pixels;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * JPEG and PNG files of a folder with one sub-folder per class, decoded with {@code javax.imageio}
 * as the pipeline asks for them.
 *
 * <p>{@link #scan} lists the files in a fixed order (classes by name, files by name) and checks that
 * each one has a readable JPEG or PNG header, so an unreadable file is reported, by name, before a
 * run writes anything.
 */
public final class FileImages implements ImageSource {

    private final List<Path> files;
    private final int[] labels;
    private final int channels;

    private FileImages(List<Path> files, int[] labels, int channels) {
        this.files = List.copyOf(files);
        this.labels = labels;
        this.channels = channels;
    }

    /**
     * Lists and checks the images of the class folders of a folder.
     *
     * @param dir the folder
     * @param classes the class folder names, index = label
     * @param channels 1 to decode as grey, 3 as RGB
     * @return the images
     * @throws DataException if a folder cannot be listed, holds no image or a file is not a readable image
     */
    public static FileImages scan(Path dir, List<String> classes, int channels) {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            Path classDir = dir.resolve(classes.get(c));
            try (Stream<Path> entries = Files.list(classDir)) {
                for (Path p : (Iterable<Path>) entries.filter(FileImages::isImageName).sorted()::iterator) {
                    checkHeader(p);
                    files.add(p);
                    labels.add(c);
                }
            } catch (IOException e) {
                throw new DataException("cannot list " + classDir + ": " + e.getMessage(), e);
            }
        }
        if (files.isEmpty()) {
            throw new DataException(dir + " holds no images (.jpg, .jpeg, .png) in its class folders");
        }
        return new FileImages(files, labels.stream().mapToInt(Integer::intValue).toArray(), channels);
    }

    private static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && !n.startsWith(".") && (n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png"));
    }

    private static void checkHeader(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new DataException("cannot read image " + file + ": not a JPEG or PNG file");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                if (reader.getWidth(0) < 1 || reader.getHeight(0) < 1) {
                    throw new DataException("cannot read image " + file + ": it has no pixels");
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new DataException("cannot read image " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The files, in label order.
     *
     * @return the paths
     */
    public List<Path> files() {
        return files;
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public Pixels read(int index) {
        Path file = files.get(index);
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DataException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (image == null) {
            throw new DataException("cannot read image " + file + ": not a JPEG or PNG file");
        }
        int h = image.getHeight();
        int w = image.getWidth();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        int plane = h * w;
        float[] data = new float[channels * plane];
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            float r = ((p >> 16) & 0xff) / 255f;
            float g = ((p >> 8) & 0xff) / 255f;
            float b = (p & 0xff) / 255f;
            if (channels == 1) {
                data[i] = 0.299f * r + 0.587f * g + 0.114f * b;
            } else {
                data[i] = r;
                data[plane + i] = g;
                data[2 * plane + i] = b;
            }
        }
        return new Pixels(data, channels, h, w);
    }

    /**
     * The images at some indices, as a source of their own (a split of a folder).
     *
     * @param indices indices into this source
     * @return the subset
     */
    public FileImages subset(List<Integer> indices) {
        List<Path> f = new ArrayList<>();
        int[] l = new int[indices.size()];
        for (int i = 0; i < indices.size(); i++) {
            f.add(files.get(indices.get(i)));
            l[i] = labels[indices.get(i)];
        }
        return new FileImages(f, l, channels);
    }
}
