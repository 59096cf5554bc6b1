package io.svite.examples.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import org.w3c.dom.Node;

/**
 * Writes images as PNG files atomically: to a temporary file first, then renamed into place;
 * optionally with text entries ({@code tEXt} chunks), which the labelled figures use to say where
 * their rasters are ({@link Figure#PANELS}).
 */
public final class Images {

    private static final String PNG_FORMAT = "javax_imageio_png_1.0";

    private Images() {}

    /**
     * Writes an image as PNG.
     *
     * @param image the image
     * @param png the target file; its folder is created if needed
     * @throws IOException if it cannot be written
     */
    public static void writePng(BufferedImage image, Path png) throws IOException {
        writePng(image, png, Map.of());
    }

    /**
     * Writes an image as PNG with text entries.
     *
     * @param image the image
     * @param png the target file; its folder is created if needed
     * @param text keyword → value, written as {@code tEXt} chunks (Latin-1)
     * @throws IOException if it cannot be written
     */
    public static void writePng(BufferedImage image, Path png, Map<String, String> text) throws IOException {
        Path target = png.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            if (text.isEmpty()) {
                if (!ImageIO.write(image, "png", tmp.toFile())) {
                    throw new IOException("no PNG writer available");
                }
            } else {
                writeWithText(image, tmp, text);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeWithText(BufferedImage image, Path file, Map<String, String> text) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IOException("no PNG writer available");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            IIOMetadataNode entries = new IIOMetadataNode("tEXt");
            text.forEach((k, v) -> {
                IIOMetadataNode e = new IIOMetadataNode("tEXtEntry");
                e.setAttribute("keyword", k);
                e.setAttribute("value", v);
                entries.appendChild(e);
            });
            IIOMetadataNode root = new IIOMetadataNode(PNG_FORMAT);
            root.appendChild(entries);
            meta.mergeTree(PNG_FORMAT, root);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, meta), param);
        } finally {
            writer.dispose();
        }
    }

    /**
     * The text entries of a PNG file.
     *
     * @param png the file
     * @return keyword → value, empty if it has none
     * @throws IOException if it is not a readable PNG
     */
    public static Map<String, String> text(Path png) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(png.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(png + " is not a readable image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                IIOMetadata meta = reader.getImageMetadata(0);
                if (meta == null || !java.util.Arrays.asList(meta.getMetadataFormatNames()).contains(PNG_FORMAT)) {
                    return out;
                }
                for (Node n = meta.getAsTree(PNG_FORMAT).getFirstChild(); n != null; n = n.getNextSibling()) {
                    if ("tEXt".equals(n.getNodeName())) {
                        for (Node e = n.getFirstChild(); e != null; e = e.getNextSibling()) {
                            IIOMetadataNode entry = (IIOMetadataNode) e;
                            out.put(entry.getAttribute("keyword"), entry.getAttribute("value"));
                        }
                    }
                }
            } finally {
                reader.dispose();
            }
        }
        return out;
    }
}
