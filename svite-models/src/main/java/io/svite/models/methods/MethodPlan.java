package io.svite.models.methods;

import io.svite.core.report.SparsityReport;
import io.svite.models.deit.DeiTConfig;

import com.google.gson.JsonObject;

/**
 * What a method would make of a model, without training: the architecture it ends with, its
 * parameters and multiply-accumulates next to the dense model's, the per-layer densities where
 * the method fixes them in advance, and how much of it is exact.
 *
 * <pre>{@code
 * MethodPlan plan = new OmpMethod(0.5, PruningScope.global(), EpochSplit.of("omp", 2, 0))
 *         .plan(DeiTConfig.mini());
 * System.out.print(plan.text("deit-mini"));
 * }</pre>
 *
 * <p>Three kinds exist: {@link LayerPlan} (per-layer densities of a masked or compacted model:
 * dense, SViTE, S2ViTE, SSP), {@link PruningPlan} (the pruning baselines, with bounds where the
 * trained weights decide) and {@link ShapePlan} (the soft-mask searches, block by block).
 */
public interface MethodPlan {

    /**
     * One line saying what is planned, e.g. {@code SViTE erdos-renyi-kernel(0.5)}.
     *
     * @return the label
     */
    String label();

    /**
     * The architecture the plan costs: the requested one, or the compacted or shallower model the
     * method ends with (a uniform estimate where the method learns it).
     *
     * @return the configuration
     */
    DeiTConfig architecture();

    /**
     * Non-zero parameters of the planned model.
     *
     * @return parameters
     */
    long params();

    /**
     * Parameters of the dense model the savings are measured against.
     *
     * @return parameters
     */
    long denseParams();

    /**
     * Multiply-accumulates per image of the planned model.
     *
     * @return MACs
     */
    double macs();

    /**
     * Multiply-accumulates per image of the dense model.
     *
     * @return MACs
     */
    double denseMacs();

    /**
     * The fraction of the dense MACs saved.
     *
     * @return 1 − MACs / dense MACs
     */
    default double macsSaving() {
        return 1 - macs() / denseMacs();
    }

    /**
     * The fraction of the dense parameters saved.
     *
     * @return 1 − params / dense params
     */
    default double paramsSaving() {
        return 1 - (double) params() / denseParams();
    }

    /**
     * Whether the plan is exact; otherwise the per-layer densities or block shapes are a uniform
     * estimate of what training decides (the plan says which numbers are still exact).
     *
     * @return true if exact
     */
    boolean exact();

    /**
     * The per-layer densities of the planned model's weight layers.
     *
     * @return the layers, or null for a plan of block shapes only ({@link ShapePlan})
     */
    SparsityReport layers();

    /**
     * The plan as text, the way {@code svite plan} prints it.
     *
     * @param model the preset's name shown in the first line, e.g. {@code deit-mini}
     * @return lines, each ending with a newline
     */
    String text(String model);

    /**
     * The plan as JSON, the way {@code svite plan --json} prints it.
     *
     * @param model the preset's name
     * @param method the method's name
     * @return the JSON object
     */
    JsonObject json(String model, String method);

    /**
     * The fields every plan's JSON starts with: {@code model, method, params, denseParams, macs,
     * denseMacs, macsSaving}.
     *
     * @param model the preset's name
     * @param method the method's name
     * @return a new JSON object holding them
     */
    default JsonObject jsonHeader(String model, String method) {
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        o.addProperty("method", method);
        o.addProperty("params", params());
        o.addProperty("denseParams", denseParams());
        o.addProperty("macs", macs());
        o.addProperty("denseMacs", denseMacs());
        o.addProperty("macsSaving", macsSaving());
        return o;
    }
}
