package io.svite.core.policy;

import io.svite.core.criteria.PruneCriterion;
import io.svite.core.distribution.PruningScope;
import io.svite.core.engine.MaskSet;
import io.svite.core.schedule.PruningSchedule;
import io.svite.core.select.ParameterSelector;

/**
 * What a pruning schedule is made of.
 *
 * @param schedule when to prune and to which sparsity
 * @param scope one global ranking or per-layer densities
 * @param criterion how entries are scored
 * @param selector which parameters are pruned
 * @param scoreWindow batches a gradient criterion is summed over before an event, 0 for all since
 *     the previous event
 * @param startFrom masks to start from, or null to start dense
 */
public record PruningSettings(
        PruningSchedule schedule,
        PruningScope scope,
        PruneCriterion criterion,
        ParameterSelector selector,
        long scoreWindow,
        MaskSet startFrom) {}
