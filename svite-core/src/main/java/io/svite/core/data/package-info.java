/**
 * Image datasets for training and evaluation: Fashion-MNIST (a local folder, {@code $SVITE_DATA},
 * the Debian package's folder, then DJL's download), CIFAR-10 binary batches, an ImageNet-style
 * folder and synthetic images, opened by kind with {@link io.svite.core.data.ImageDatasets}. Images
 * stay bytes in memory and become the model's inputs batch by batch ({@link
 * io.svite.core.data.ImageBatchTransform}); the training order is a function of seed and epoch,
 * seekable for exact resume ({@link io.svite.core.data.SeededSampler}).
 */
package io.svite.core.data;
