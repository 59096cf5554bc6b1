package io.svite.models.io;

import io.svite.models.deit.DeiTConfig;

/**
 * The content of {@code deit.json}: the architecture and a fingerprint of the weights file next to
 * it.
 *
 * @param format always {@link DeiTFiles#FORMAT}
 * @param formatVersion version of this layout
 * @param config the architecture, every component of {@link DeiTConfig}
 * @param weights file name of the DJL parameter file in the same folder
 * @param weightsBytes its size in bytes
 * @param weightsSha256 its SHA-256, lower-case hex
 */
record SavedDeiT(
        String format,
        int formatVersion,
        DeiTConfig config,
        String weights,
        long weightsBytes,
        String weightsSha256) {}
