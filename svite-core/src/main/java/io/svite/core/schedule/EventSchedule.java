package io.svite.core.schedule;

import java.util.List;

/** A validated list of pruning events. */
record EventSchedule(List<PruningEvent> events) implements PruningSchedule {

    static final EventSchedule NONE = new EventSchedule(List.of());

    /** Copies the list and checks the order. */
    EventSchedule {
        events = List.copyOf(events);
        for (int i = 1; i < events.size(); i++) {
            PruningEvent a = events.get(i - 1);
            PruningEvent b = events.get(i);
            if (b.step() <= a.step()) {
                throw new IllegalArgumentException(
                        "pruning events must have increasing steps, got step " + b.step() + " after step " + a.step());
            }
            if (b.sparsity() < a.sparsity()) {
                throw new IllegalArgumentException(
                        "pruning only makes masks sparser: sparsity " + b.sparsity() + " at step " + b.step()
                                + " is below " + a.sparsity() + " at step " + a.step());
            }
        }
    }

    @Override
    public String toString() {
        if (events.isEmpty()) {
            return "no pruning";
        }
        if (events.size() == 1) {
            PruningEvent e = events.get(0);
            return "one-shot to " + e.sparsity() + " at step " + e.step();
        }
        return events.size() + " events " + events;
    }
}
