package io.svite.core.policy;

import io.svite.core.checkpoint.MaskCheckpoint;
import io.svite.core.checkpoint.StateFile;
import io.svite.core.engine.MaskPolicy;
import io.svite.core.engine.MaskedTensor;
import io.svite.core.engine.PolicyContext;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.List;

/**
 * A pruning run's state in a checkpoint: the position in the schedule (next event, events done,
 * the step of the last one), and per tensor the counts, the mask (once something was pruned), the
 * mask the run started from and the scores summed since the last event — exactly, so a resumed run
 * prunes what the uninterrupted one pruned.
 */
final class PruningState {

    private PruningState() {}

    static void save(ScheduledPruning policy, JsonObject header, NDList arrays, NDManager host) {
        header.addProperty("next", policy.next());
        header.addProperty("done", policy.done());
        header.addProperty("lastEventStep", policy.lastEventStep());
        JsonArray entries = new JsonArray();
        for (MaskedTensor t : policy.selected()) {
            JsonObject e = new MaskCheckpoint.Entry(t.display(), t.shape().getShape(), t.active()).json();
            NDArray mask = t.anyMask();
            NDArray sum = policy.scores().get(t).sum();
            e.addProperty("masked", mask != null);
            e.addProperty("started", t.everActive() != null);
            e.addProperty("scored", sum != null);
            entries.add(e);
            if (mask != null) {
                NDArray bits = mask.toType(DataType.UINT8, true);
                bits.attach(host);
                arrays.add(StateFile.hostCopy(bits, "mask:" + t.display(), host));
            }
            if (t.everActive() != null) {
                arrays.add(StateFile.hostCopy(t.everActive(), "start:" + t.display(), host));
            }
            if (sum != null) {
                arrays.add(StateFile.hostCopy(sum, "scores:" + t.display(), host));
            }
        }
        header.add("tensors", entries);
    }

    static void restore(ScheduledPruning policy, PolicyContext ctx, MaskPolicy.Saved saved) {
        List<MaskedTensor> all = policy.selected();
        List<?> events = policy.settings().schedule().events();
        JsonArray entries = saved.header().getAsJsonArray("tensors");
        if (entries == null || entries.size() != all.size()) {
            throw new IllegalArgumentException(
                    "pruning checkpoint " + saved.file() + " does not match this model: it has "
                            + (entries == null ? 0 : entries.size()) + " pruned tensors, this run selects " + all.size());
        }
        long nextEvent = saved.getLong("next");
        if (nextEvent < 0 || nextEvent > events.size()) {
            throw new IllegalArgumentException(
                    "pruning checkpoint " + saved.file() + " is at event " + nextEvent + " of a schedule of "
                            + events.size() + " (was it saved with another schedule?)");
        }
        Device first = ctx.devices().get(0);
        for (int i = 0; i < all.size(); i++) {
            MaskedTensor t = all.get(i);
            JsonObject e = entries.get(i).getAsJsonObject();
            MaskCheckpoint.Entry entry = MaskCheckpoint.Entry.of(e);
            String name = entry.parameter();
            Shape dims = new Shape(entry.shape());
            if (!name.equals(t.display()) || !dims.equals(t.shape())) {
                throw new IllegalArgumentException(
                        "pruning checkpoint " + saved.file() + " does not match this model: its tensor " + i + " is "
                                + name + " " + dims + ", here " + t.display() + " " + t.shape());
            }
            NDArray weight = t.parameter().getArray();
            NDManager manager = ctx.managerFor(weight.getDevice());
            if (e.get("started").getAsBoolean()) {
                t.replaceEverActive(DynamicMasks.owned(saved.require("start:" + name), DataType.BOOLEAN,
                        weight.getDevice(), manager), manager);
            }
            t.setActive(entry.active());
            if (e.get("masked").getAsBoolean()) {
                NDArray mask = DynamicMasks.owned(saved.require("mask:" + name), weight.getDataType(), weight.getDevice(),
                        manager);
                t.replaceMasks(mask, ctx.devices(), ctx::managerFor);
            }
            policy.scores().get(t).restore(e.get("scored").getAsBoolean()
                    ? DynamicMasks.owned(saved.require("scores:" + name), saved.require("scores:" + name).getDataType(),
                            first, ctx.managerFor(first))
                    : null);
        }
        policy.position((int) nextEvent, (int) saved.getLong("done"), saved.getLong("lastEventStep"));
    }
}
