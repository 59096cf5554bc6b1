package io.svite.core.engine;

import io.svite.core.report.LayerSparsity;
import io.svite.core.report.SparsityReport;
import io.svite.core.report.UnitGroupReport;
import io.svite.core.report.UnitReport;

import ai.djl.metric.Metrics;
import ai.djl.training.Trainer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * What the engine says at the end of an epoch: one log line per part (masked weights, unit
 * groups) and the same numbers as trainer metrics ({@code sparsity}, {@code density_<tensor>},
 * {@code units_active_<family>}, {@code units_changed_<family>}).
 */
final class EpochLog {

    private static final Logger logger = LoggerFactory.getLogger(SparseEngine.class);

    private EpochLog() {}

    static void log(Trainer trainer, SparsityReport weights, UnitReport units) {
        Metrics metrics = trainer.getMetrics();
        if (!weights.layers().isEmpty()) {
            logger.info(
                    String.format(
                            Locale.ROOT,
                            "step %d: sparsity %.2f %% (%,d of %,d weights active), %d updates",
                            weights.step(),
                            100 * weights.sparsity(),
                            weights.nonZeros(),
                            weights.size(),
                            weights.updates()));
            if (logger.isDebugEnabled()) {
                logger.debug("\n" + weights.text());
            }
            if (metrics != null) {
                metrics.addMetric("sparsity", weights.sparsity());
                for (LayerSparsity l : weights.layers()) {
                    metrics.addMetric("density_" + l.parameter(), l.density());
                }
            }
        }
        if (!units.groups().isEmpty()) {
            if (logger.isInfoEnabled()) {
                StringBuilder sb = new StringBuilder();
                for (UnitGroupReport f : units.families()) {
                    sb.append(sb.length() == 0 ? "" : ", ")
                            .append(String.format(Locale.ROOT, "%s %d of %d active (%d changed since the start)",
                                    f.name(), f.active(), f.units(), f.changed()));
                }
                logger.info("step {}: {}, {} updates", units.step(), sb, units.updates());
            }
            if (metrics != null) {
                for (UnitGroupReport f : units.families()) {
                    metrics.addMetric("units_active_" + f.name(), f.active());
                    metrics.addMetric("units_changed_" + f.name(), f.changed());
                }
            }
        }
    }
}
