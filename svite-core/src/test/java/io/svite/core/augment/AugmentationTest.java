package io.svite.core.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Presets by name, the dataset defaults, and what each one builds. */
class AugmentationTest {

    @Test
    void presetsBuildTheirOperations() {
        Augmentation deit = Augmentation.preset("deit");
        assertEquals(3, deit.imageOps(224).size(), "crop, flip, RandAugment");
        assertTrue(deit.imageOps(224).get(0) instanceof RandomResizedCrop);
        assertEquals(2, deit.batchOps().size());
        assertTrue(deit.mixes());
        assertTrue(Augmentation.preset("cifar").imageOps(32).get(0) instanceof RandomCrop);
        Augmentation none = Augmentation.preset("none");
        assertTrue(none.isNone());
        assertEquals(1, none.imageOps(28).size(), "only the resize");
        assertTrue(none.batchOps().isEmpty());
        assertFalse(none.withFlip(0.5).isNone());
    }

    @Test
    void eachDatasetGetsTheDefaultThatSuitsIt() {
        assertEquals("none", Augmentation.defaultFor("fashion-mnist").name());
        assertEquals("none", Augmentation.defaultFor("synthetic").name());
        assertEquals("cifar", Augmentation.defaultFor("cifar10").name());
        assertEquals("deit", Augmentation.defaultFor("folder").name());
    }

    @Test
    void anUnknownPresetNamesItselfAndTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.preset("strong"));
        assertEquals("unknown augmentation preset 'strong'; known: deit, cifar, none", e.getMessage());
    }

    @Test
    void seedsDependOnEveryPartAndOnNothingElse() {
        assertEquals(AugmentSeeds.image(1, 2, 3), AugmentSeeds.image(1, 2, 3));
        assertTrue(AugmentSeeds.image(1, 2, 3) != AugmentSeeds.image(1, 2, 4));
        assertTrue(AugmentSeeds.image(1, 2, 3) != AugmentSeeds.image(1, 3, 3));
        assertTrue(AugmentSeeds.image(1, 2, 3) != AugmentSeeds.image(2, 2, 3));
        assertTrue(AugmentSeeds.image(1, 2, 3) != AugmentSeeds.batch(1, 2, 3));
    }
}
