package io.svite.core.augment;

import java.util.ArrayList;
import java.util.List;

/**
 * A named augmentation recipe: which per-image operations and which batch operations a training
 * split gets. A value (it goes into a run's recipe and its fingerprint); {@link #imageOps(int)} and
 * {@link #batchOps()} build the operations.
 *
 * <pre>{@code
 * Augmentation deit = Augmentation.preset("deit");                 // DeiT's recipe for 224 px
 * Augmentation mine = Augmentation.none().withFlip(0.5).withMixup(0.2, Double.NaN, 1, 0);
 * }</pre>
 *
 * <p>Presets:
 *
 * <ul>
 *   <li>{@code deit} — DeiT's (Touvron et al., 2021) training recipe: random resized crop (scale
 *       [0.08, 1], ratio [3/4, 4/3]), horizontal flip 0.5, RandAugment n 2 m 9, random erasing 0.25,
 *       Mixup α 0.8 and CutMix α 1.0, every batch, switch probability 0.5 (label smoothing 0.1 is
 *       the run's loss). No colour jitter: timm ignores it when RandAugment is on.
 *   <li>{@code cifar} — for 32 px: random crop with 4 pixels of padding, flip 0.5, RandAugment n 2 m
 *       9, random erasing 0.25, Mixup 0.8 / CutMix 1.0 as above.
 *   <li>{@code none} — the images as stored, resized to the model's input.
 * </ul>
 *
 * @param name the preset's name, or {@code custom}
 * @param cropScaleMin the random resized crop's smallest area fraction, or 0 for no such crop
 * @param cropPadding the random crop's padding, or -1 for no such crop
 * @param flip the horizontal flip's probability
 * @param randAugmentN RandAugment's operations per image, 0 for none
 * @param randAugmentM RandAugment's magnitude in [0, 10]
 * @param colorJitter brightness, contrast and saturation strength, 0 for none
 * @param erasing random erasing's probability, 0 for none
 * @param mixupAlpha Mixup's α, or NaN for none
 * @param cutmixAlpha CutMix's α, or NaN for none
 * @param mixProbability the chance a batch is mixed
 * @param switchProbability the chance of CutMix over Mixup when both are on
 */
public record Augmentation(
        String name,
        double cropScaleMin,
        int cropPadding,
        double flip,
        int randAugmentN,
        double randAugmentM,
        double colorJitter,
        double erasing,
        double mixupAlpha,
        double cutmixAlpha,
        double mixProbability,
        double switchProbability) {

    /** The presets {@link #preset} knows. */
    public static final List<String> PRESETS = List.of("deit", "cifar", "none");

    /** Checks every value by building the operations once. */
    public Augmentation {
        if (!(cropScaleMin == 0 || cropScaleMin > 0 && cropScaleMin <= 1)) {
            throw new IllegalArgumentException("crop scale must be in (0, 1] (0 for no random resized crop), got " + cropScaleMin);
        }
        if (cropScaleMin > 0 && cropPadding >= 0) {
            throw new IllegalArgumentException("choose one crop: a random resized crop or a padded random crop");
        }
        new HorizontalFlip(flip);
        new RandAugment(randAugmentN, randAugmentM);
        new ColorJitter(colorJitter, colorJitter, colorJitter);
        new RandomErasing(erasing);
        if (!Double.isNaN(mixupAlpha) || !Double.isNaN(cutmixAlpha)) {
            new MixupCutmix(mixupAlpha, cutmixAlpha, mixProbability, switchProbability);
        }
    }

    /**
     * A preset by name.
     *
     * @param name one of {@link #PRESETS}
     * @return the preset
     * @throws IllegalArgumentException for an unknown name
     */
    public static Augmentation preset(String name) {
        switch (name == null ? "" : name) {
            case "deit":
                return new Augmentation("deit", 0.08, -1, 0.5, 2, 9, 0, 0.25, 0.8, 1.0, 1.0, 0.5);
            case "cifar":
                return new Augmentation("cifar", 0, 4, 0.5, 2, 9, 0, 0.25, 0.8, 1.0, 1.0, 0.5);
            case "none":
                return none();
            default:
                throw new IllegalArgumentException(
                        "unknown augmentation preset '" + name + "'; known: " + String.join(", ", PRESETS));
        }
    }

    /**
     * No augmentation.
     *
     * @return the {@code none} preset
     */
    public static Augmentation none() {
        return new Augmentation("none", 0, -1, 0, 0, 0, 0, 0, Double.NaN, Double.NaN, 1, 0);
    }

    /**
     * The preset that suits a dataset kind when none is asked for: {@code cifar} for CIFAR-10,
     * {@code deit} for an image folder (photographs at DeiT's sizes), {@code none} for Fashion-MNIST
     * and the synthetic data (the main job's short runs).
     *
     * @param datasetKind a dataset kind
     * @return the preset
     */
    public static Augmentation defaultFor(String datasetKind) {
        switch (datasetKind) {
            case "cifar10":
                return preset("cifar");
            case "folder":
                return preset("deit");
            default:
                return none();
        }
    }

    /**
     * Whether it changes nothing.
     *
     * @return true if no operation is on
     */
    public boolean isNone() {
        return cropScaleMin == 0 && cropPadding < 0 && flip == 0 && randAugmentN == 0 && colorJitter == 0
                && erasing == 0 && !mixes();
    }

    /**
     * Whether batches are mixed (targets become soft).
     *
     * @return true with Mixup or CutMix
     */
    public boolean mixes() {
        return !Double.isNaN(mixupAlpha) || !Double.isNaN(cutmixAlpha);
    }

    /**
     * This recipe with a horizontal flip.
     *
     * @param probability the flip's probability
     * @return the new recipe, named {@code custom}
     */
    public Augmentation withFlip(double probability) {
        return new Augmentation("custom", cropScaleMin, cropPadding, probability, randAugmentN, randAugmentM, colorJitter,
                erasing, mixupAlpha, cutmixAlpha, mixProbability, switchProbability);
    }

    /**
     * This recipe with RandAugment.
     *
     * @param n operations per image
     * @param m magnitude in [0, 10]
     * @return the new recipe, named {@code custom}
     */
    public Augmentation withRandAugment(int n, double m) {
        return new Augmentation("custom", cropScaleMin, cropPadding, flip, n, m, colorJitter, erasing, mixupAlpha,
                cutmixAlpha, mixProbability, switchProbability);
    }

    /**
     * This recipe with colour jitter.
     *
     * @param strength brightness, contrast and saturation strength
     * @return the new recipe, named {@code custom}
     */
    public Augmentation withColorJitter(double strength) {
        return new Augmentation("custom", cropScaleMin, cropPadding, flip, randAugmentN, randAugmentM, strength, erasing,
                mixupAlpha, cutmixAlpha, mixProbability, switchProbability);
    }

    /**
     * This recipe with random erasing.
     *
     * @param probability the chance an image is erased
     * @return the new recipe, named {@code custom}
     */
    public Augmentation withErasing(double probability) {
        return new Augmentation("custom", cropScaleMin, cropPadding, flip, randAugmentN, randAugmentM, colorJitter,
                probability, mixupAlpha, cutmixAlpha, mixProbability, switchProbability);
    }

    /**
     * This recipe with Mixup and/or CutMix.
     *
     * @param mixup Mixup's α > 0, or NaN for none
     * @param cutmix CutMix's α > 0, or NaN for none
     * @param probability the chance a batch is mixed
     * @param switchTo the chance of CutMix over Mixup when both are on
     * @return the new recipe, named {@code custom}
     */
    public Augmentation withMixup(double mixup, double cutmix, double probability, double switchTo) {
        return new Augmentation("custom", cropScaleMin, cropPadding, flip, randAugmentN, randAugmentM, colorJitter,
                erasing, mixup, cutmix, probability, switchTo);
    }

    /**
     * This recipe with a random resized crop instead of any other crop.
     *
     * @param scaleMin smallest area fraction in (0, 1]
     * @return the new recipe, named {@code custom}
     */
    public Augmentation withResizedCrop(double scaleMin) {
        return new Augmentation("custom", scaleMin, -1, flip, randAugmentN, randAugmentM, colorJitter, erasing,
                mixupAlpha, cutmixAlpha, mixProbability, switchProbability);
    }

    /**
     * The per-image operations, in order: crop (or resize), flip, RandAugment, colour jitter.
     *
     * @param size the model's input side
     * @return the operations; the first one always brings the image to size × size
     */
    public List<ImageOp> imageOps(int size) {
        List<ImageOp> ops = new ArrayList<>();
        if (cropScaleMin > 0) {
            ops.add(new RandomResizedCrop(size, cropScaleMin, 1, 3 / 4.0, 4 / 3.0));
        } else if (cropPadding >= 0) {
            ops.add(new RandomCrop(size, cropPadding));
        } else {
            ops.add(new Resize(size));
        }
        if (flip > 0) {
            ops.add(new HorizontalFlip(flip));
        }
        if (randAugmentN > 0 && randAugmentM > 0) {
            ops.add(new RandAugment(randAugmentN, randAugmentM));
        }
        if (colorJitter > 0) {
            ops.add(new ColorJitter(colorJitter, colorJitter, colorJitter));
        }
        return ops;
    }

    /**
     * The batch operations, in order: random erasing (on the normalised images), then Mixup/CutMix.
     *
     * @return the operations
     */
    public List<BatchOp> batchOps() {
        List<BatchOp> ops = new ArrayList<>();
        if (erasing > 0) {
            ops.add(new RandomErasing(erasing));
        }
        if (mixes()) {
            ops.add(new MixupCutmix(mixupAlpha, cutmixAlpha, mixProbability, switchProbability));
        }
        return ops;
    }
}
