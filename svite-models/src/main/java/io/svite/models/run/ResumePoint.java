package io.svite.models.run;

import io.svite.core.checkpoint.CheckpointException;
import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.checkpoint.StoredCheckpoint;

import com.google.gson.JsonElement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a resumed run starts: the newest checkpoint that verifies, belongs to the run's recipe and
 * architecture, and has the end of every earlier phase behind it (with those ends). Newer
 * checkpoints that cannot be used are renamed {@code refused-step-N}, so the checkpoints the run
 * writes next are not shadowed by them.
 *
 * @param checkpoint the checkpoint the run continues from
 * @param manifest its manifest
 * @param phaseEnds the newest checkpoint at the end of every earlier phase, by phase index
 */
record ResumePoint(StoredCheckpoint checkpoint, RunManifest manifest, Map<Integer, StoredCheckpoint> phaseEnds) {

    private static final Logger LOG = LoggerFactory.getLogger(ResumePoint.class);

    /**
     * Chooses the resume point of a run folder.
     *
     * @param store the run's checkpoints
     * @param runDir the run folder, for messages
     * @param recipe the recipe and method settings every checkpoint must record
     * @param runArchitecture the architecture every checkpoint must record
     * @return the resume point, or null if the folder holds no checkpoint
     * @throws IllegalStateException if there are checkpoints but none can be used
     * @throws IOException if the folder cannot be read or a refused checkpoint cannot be set aside
     */
    static ResumePoint choose(CheckpointStore store, Path runDir, JsonElement recipe, JsonElement runArchitecture)
            throws IOException {
        List<Path> all = store.list();
        if (all.isEmpty()) {
            LOG.warn("{} holds no checkpoint yet: training starts from the beginning", runDir);
            return null;
        }
        Map<Path, String> refused = new LinkedHashMap<>();
        Map<Path, RunManifest> good = new LinkedHashMap<>();
        Map<Path, StoredCheckpoint> verified = new LinkedHashMap<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            Path p = all.get(i);
            try {
                StoredCheckpoint s = store.verify(p);
                RunManifest m = RunManifest.of(s);
                checkBelongs(s, m, recipe, runArchitecture);
                verified.put(p, s);
                good.put(p, m);
            } catch (CheckpointException e) {
                refused.put(p, e.getMessage());
            }
        }
        ResumePoint chosen = null;
        for (int i = all.size() - 1; i >= 0 && chosen == null; i--) {
            Path p = all.get(i);
            RunManifest m = good.get(p);
            if (m == null) {
                continue;
            }
            Map<Integer, StoredCheckpoint> ends = new TreeMap<>();
            String missing = null;
            for (int q = 0; q < m.phaseIndex() && missing == null; q++) {
                StoredCheckpoint end = null;
                for (int j = i - 1; j >= 0 && end == null; j--) {
                    RunManifest o = good.get(all.get(j));
                    if (o != null && o.phaseIndex() == q && o.atPhaseEnd()) {
                        end = verified.get(all.get(j));
                    }
                }
                if (end == null) {
                    missing = "the end of phase " + q + ", which it continues from, has no usable checkpoint";
                } else {
                    ends.put(q, end);
                }
            }
            if (missing != null) {
                refused.put(p, "checkpoint " + p.getFileName() + " cannot be resumed: " + missing);
                continue;
            }
            chosen = new ResumePoint(verified.get(p), m, ends);
        }
        if (chosen == null) {
            throw new IllegalStateException(
                    "no usable checkpoint in " + store.dir() + ": " + String.join("; ", refused.values()));
        }
        setAside(refused, chosen);
        RunManifest m = chosen.manifest();
        LOG.info(
                "resuming from {} (phase '{}', epoch {} of {}, batch {}, step {})",
                chosen.checkpoint().name(),
                m.phase(),
                m.epochsDone() + (m.batchesDone() > 0 ? 1 : 0),
                m.phaseEpochs(),
                m.batchesDone(),
                chosen.checkpoint().step());
        return chosen;
    }

    /** Renames the refused checkpoints newer than the chosen one; older ones are only reported. */
    private static void setAside(Map<Path, String> refused, ResumePoint chosen) throws IOException {
        for (Map.Entry<Path, String> r : refused.entrySet()) {
            if (CheckpointStore.stepOf(r.getKey()) < chosen.checkpoint().step()) {
                LOG.warn("{} (not needed: a newer checkpoint is good)", r.getValue());
                continue;
            }
            // a newer checkpoint that cannot be used would shadow the ones this run writes next
            Path aside = r.getKey().resolveSibling("refused-" + r.getKey().getFileName());
            for (int n = 2; Files.exists(aside); n++) {
                aside = r.getKey().resolveSibling("refused-" + r.getKey().getFileName() + "-" + n);
            }
            LOG.warn("{}; using the previous good one, {}; the refused one is set aside as {}", r.getValue(),
                    chosen.checkpoint().name(), aside.getFileName());
            Files.move(r.getKey(), aside);
        }
    }

    private static void checkBelongs(StoredCheckpoint s, RunManifest m, JsonElement recipe, JsonElement runArchitecture)
            throws CheckpointException {
        if (!runArchitecture.equals(m.runArchitecture())) {
            throw new CheckpointException(
                    "checkpoint " + s.name() + " was written for another architecture ("
                            + JsonDiff.differences(m.runArchitecture(), runArchitecture) + ")");
        }
        if (!recipe.equals(m.recipe())) {
            throw new CheckpointException(
                    "checkpoint " + s.name() + " was written by another recipe ("
                            + JsonDiff.differences(m.recipe(), recipe) + ")");
        }
    }
}
