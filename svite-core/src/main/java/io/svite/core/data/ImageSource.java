package io.svite.core.data;

import io.svite.core.augment.Pixels;

/**
 * Images by index, decoded on demand: what the parallel input pipeline ({@link AugmentedImages})
 * reads from worker threads. Implementations must allow concurrent {@link #read} calls.
 */
public interface ImageSource {

    /**
     * Number of images.
     *
     * @return N
     */
    int size();

    /**
     * One image's class.
     *
     * @param index from 0
     * @return the label
     */
    int label(int index);

    /**
     * Decodes one image.
     *
     * @param index from 0
     * @return its pixels in [0, 1], channels first
     * @throws DataException if it cannot be read, naming the file
     */
    Pixels read(int index);

    /**
     * The images of an in-memory tensor set.
     *
     * @param images the images
     * @return a source over them
     */
    static ImageSource of(ImageTensors images) {
        int plane = images.channels() * images.size() * images.size();
        return new ImageSource() {
            @Override
            public int size() {
                return images.count();
            }

            @Override
            public int label(int index) {
                return images.labels()[index];
            }

            @Override
            public Pixels read(int index) {
                return Pixels.fromBytes(images.pixels(), index * plane, images.channels(), images.size(), images.size());
            }
        };
    }
}
