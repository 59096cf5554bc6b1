package io.svite.core.training;

import ai.djl.engine.Engine;

/**
 * Seeds the engine's random generator from (run seed, phase, step) before every training step.
 *
 * <p>Drop-path and the token selector's Gumbel noise draw from the engine's generator (PyTorch's
 * default generator, through {@code NDManager.randomUniform}). DJL 0.25 can seed that generator
 * ({@code Engine.setRandomSeed}, i.e. {@code torch.manual_seed}) but cannot read or restore its
 * state, so a checkpoint cannot carry it. Instead every step starts from a seed that is a pure
 * function of the run's seed, the phase and the step: a resumed run draws exactly the numbers the
 * uninterrupted run drew at the same step, whatever happened before (evaluation, a crash, another
 * process). {@code Engine.setRandomSeed} also reseeds DJL's Java generator ({@code
 * RandomUtils.RANDOM}). The cost is one native call per step.
 *
 * <p>The seed is SplitMix64's finaliser over {@code seed ⊕ φ·(phase + 1) ⊕ ψ·(step + 1)} folded to 32
 * bits (the engine takes an int). Phase 0's initialisation keeps the run's own seed, so runs that
 * use no randomness during training are unchanged by this scheme.
 */
public final class StepSeeds {

    /** The step value used for a phase's model initialisation. */
    public static final long INITIALISATION = -1;
    /** The step value used after a phase ends, for whatever the method does before the next one. */
    public static final long AFTER_PHASE = -2;

    private StepSeeds() {}

    /**
     * The engine seed of one step.
     *
     * @param seed the run's seed
     * @param phase the phase index, from 0
     * @param step the step within the phase, from 0, or one of the special values
     * @return the 32-bit seed
     */
    public static int of(long seed, int phase, long step) {
        if (phase == 0 && step == INITIALISATION) {
            return (int) seed;
        }
        long z = seed ^ (0x9E3779B97F4A7C15L * (phase + 1)) ^ (0xC2B2AE3D27D4EB4FL * (step + 1));
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (int) (z ^ (z >>> 32));
    }

    /**
     * Seeds the engine for a step.
     *
     * @param seed the run's seed
     * @param phase the phase index
     * @param step the step within the phase, or a special value
     */
    public static void apply(long seed, int phase, long step) {
        Engine.getInstance().setRandomSeed(of(seed, phase, step));
    }
}
