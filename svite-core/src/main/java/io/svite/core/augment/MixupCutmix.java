package io.svite.core.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * Mixup (Zhang et al., 2018) and CutMix (Yun et al., 2019) on a whole batch, each image paired with
 * the image at the mirrored position of the batch (as timm's batch mode).
 *
 * <p>With the probability {@code probability} a batch is mixed: CutMix with the probability {@code
 * switchProbability} when both are enabled, else the enabled one. Mixup: λ ~ Beta(α, α), images λ·x
 * + (1 − λ)·x', targets λ·y + (1 − λ)·y'. CutMix: λ ~ Beta(α, α), a box of area (1 − λ) at a uniform
 * centre, clipped to the image, pasted from x'; λ is then the area actually kept. Targets stay soft
 * distributions (every row sums to 1); label smoothing is applied to them by the loss.
 */
public final class MixupCutmix implements BatchOp {

    private final double mixupAlpha;
    private final double cutmixAlpha;
    private final double probability;
    private final double switchProbability;

    /**
     * Creates the op; an α of {@link Double#NaN} disables that kind.
     *
     * @param mixupAlpha Mixup's α > 0, or NaN for none
     * @param cutmixAlpha CutMix's α > 0, or NaN for none
     * @param probability the chance that a batch is mixed, in [0, 1]
     * @param switchProbability the chance of CutMix rather than Mixup when both are enabled, in [0, 1]
     */
    public MixupCutmix(double mixupAlpha, double cutmixAlpha, double probability, double switchProbability) {
        checkAlpha("Mixup", mixupAlpha);
        checkAlpha("CutMix", cutmixAlpha);
        if (Double.isNaN(mixupAlpha) && Double.isNaN(cutmixAlpha)) {
            throw new IllegalArgumentException("Mixup/CutMix needs Mixup's or CutMix's α");
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("Mixup/CutMix probability must be in [0, 1], got " + probability);
        }
        if (!(switchProbability >= 0 && switchProbability <= 1)) {
            throw new IllegalArgumentException("CutMix switch probability must be in [0, 1], got " + switchProbability);
        }
        this.mixupAlpha = mixupAlpha;
        this.cutmixAlpha = cutmixAlpha;
        this.probability = probability;
        this.switchProbability = switchProbability;
    }

    private static void checkAlpha(String name, double alpha) {
        if (!Double.isNaN(alpha) && !(alpha > 0 && Double.isFinite(alpha))) {
            throw new IllegalArgumentException(name + " α must be > 0 (leave it out to switch " + name + " off), got " + alpha);
        }
    }

    @Override
    public NDList apply(NDArray images, NDArray targets, Random random) {
        if (random.nextDouble() >= probability) {
            return new NDList(images, targets);
        }
        boolean cutmix = Double.isNaN(mixupAlpha) || !Double.isNaN(cutmixAlpha) && random.nextDouble() < switchProbability;
        NDArray partnerImages = images.flip(0);
        NDArray partnerTargets = targets.flip(0);
        double lambda;
        NDArray mixed;
        if (cutmix) {
            lambda = BetaSampler.symmetric(cutmixAlpha, random);
            Shape s = images.getShape();
            int h = (int) s.get(2);
            int w = (int) s.get(3);
            double cut = Math.sqrt(1 - lambda);
            int ch = (int) (h * cut);
            int cw = (int) (w * cut);
            int cy = random.nextInt(h);
            int cx = random.nextInt(w);
            int y0 = Math.max(0, cy - ch / 2);
            int y1 = Math.min(h, cy + ch / 2);
            int x0 = Math.max(0, cx - cw / 2);
            int x1 = Math.min(w, cx + cw / 2);
            mixed = images.duplicate();
            if (y1 > y0 && x1 > x0) {
                NDIndex box = new NDIndex(":, :, {}:{}, {}:{}", y0, y1, x0, x1);
                mixed.set(box, partnerImages.get(box));
            }
            lambda = 1 - (double) (y1 - y0) * (x1 - x0) / ((double) h * w);
        } else {
            lambda = BetaSampler.symmetric(mixupAlpha, random);
            mixed = blend(images, partnerImages, lambda);
        }
        return new NDList(mixed, blend(targets, partnerTargets, lambda));
    }

    private static NDArray blend(NDArray a, NDArray b, double lambda) {
        NDArray l = a.getManager().create((float) lambda).toType(a.getDataType(), false);
        NDArray r = a.getManager().create((float) (1 - lambda)).toType(a.getDataType(), false);
        return a.mul(l).add(b.mul(r));
    }
}
