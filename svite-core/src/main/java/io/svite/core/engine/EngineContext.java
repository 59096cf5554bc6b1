package io.svite.core.engine;

import io.svite.core.ndarray.Tensors;
import io.svite.core.optimizer.MaskAwareOptimizer;
import io.svite.core.training.ArrayWait;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The engine as its policies see it, and the registries its optimizer routes by: the model, the
 * devices, the managers of persistent arrays, the training copies, the masked tensors and the
 * gates.
 */
final class EngineContext implements PolicyContext {

    private final Optimizer delegate;
    private final BooleanSupplier resuming;
    private final LongSupplier steps;
    private final DeviceCopies copies = new DeviceCopies();
    private final Map<String, MaskedTensor> masked = new ConcurrentHashMap<>();
    private final Set<String> gates = ConcurrentHashMap.newKeySet();
    private final Map<Device, NDManager> managers = new HashMap<>();
    private Block block;
    private List<Device> devices;
    private NDManager root;
    private ArrayWait wait;

    EngineContext(Optimizer delegate, BooleanSupplier resuming, LongSupplier steps) {
        this.delegate = delegate;
        this.resuming = resuming;
        this.steps = steps;
    }

    /** Takes the trainer's model and devices; the engine's arrays go into a manager under the model's. */
    void open(Trainer trainer) {
        Model model = trainer.getModel();
        block = model.getBlock();
        devices = List.of(trainer.getDevices());
        root = model.getNDManager().newSubManager();
        root.setName("svite-engine");
    }

    /** Waits for the model's arrays (see {@link ArrayWait}). */
    ArrayWait await(Runnable whenComplete) {
        wait = ArrayWait.start(block, whenComplete);
        return wait;
    }

    NDManager root() {
        return root;
    }

    /** Whether the engine acts on a parameter (masks it, holds it as a gate or watches it). */
    boolean actsOn(String parameterId) {
        return masked.containsKey(parameterId) || gates.contains(parameterId) || copies.watches(parameterId);
    }

    /** One optimizer update of one parameter copy: gates are held, masked tensors masked. */
    void route(String parameterId, NDArray weight, NDArray grad) {
        copies.remember(parameterId, weight);
        if (gates.contains(parameterId)) {
            if (weight.hasGradient()) {
                try (NDArray g = weight.getGradient()) {
                    g.subi(g);
                }
            }
            return;
        }
        MaskedTensor t = masked.get(parameterId);
        NDArray mask = t == null ? null : t.maskOn(weight.getDevice(), this::managerFor);
        if (mask == null) {
            delegate.update(parameterId, weight, grad);
        } else {
            grad.muli(mask);
            delegate.update(parameterId, weight, grad);
            weight.muli(mask);
        }
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public List<Device> devices() {
        return devices;
    }

    @Override
    public NDManager managerFor(Device device) {
        return managers.computeIfAbsent(device, d -> root.newSubManager(d));
    }

    @Override
    public NDArray arrayOf(Parameter parameter) {
        return wait == null ? parameter.getArray() : wait.arrayOf(parameter);
    }

    @Override
    public NDArray copyOn(Parameter parameter, Device device) {
        return copies.on(parameter, device);
    }

    @Override
    public void watch(Parameter parameter) {
        copies.watch(parameter);
    }

    @Override
    public void register(MaskedTensor tensor) {
        String id = tensor.parameter().getId();
        if (gates.contains(id) || masked.putIfAbsent(id, tensor) != null) {
            throw new IllegalArgumentException(
                    "two parts of the recipe both mask " + tensor.display() + "; combine weight masks with unit"
                            + " budgets, not with a pruning schedule");
        }
        copies.watch(tensor.parameter());
    }

    @Override
    public void claimGate(Parameter gate) {
        if (masked.containsKey(gate.getId())) {
            throw new IllegalArgumentException("the gate " + gate.getName() + " is also a masked tensor");
        }
        gates.add(gate.getId());
        copies.watch(gate);
    }

    @Override
    public NDArray gradientSum(Parameter parameter, NDManager scope) {
        NDArray sum = null;
        for (Device d : devices) {
            NDArray copy = copies.on(parameter, d);
            if (copy == null || !copy.hasGradient()) {
                return null;
            }
            NDArray g = copy.getGradient();
            g.attach(scope);
            g = Tensors.onDevice(g, devices.get(0), scope);
            sum = sum == null ? g : sum.add(g);
        }
        return sum;
    }

    @Override
    public boolean maskAware() {
        return delegate instanceof MaskAwareOptimizer;
    }

    @Override
    public void maskChanged(Parameter parameter, Device device, NDArray pruned, NDArray grown) {
        if (delegate instanceof MaskAwareOptimizer) {
            ((MaskAwareOptimizer) delegate).onMaskUpdate(parameter.getId(), device, pruned, grown);
        }
    }

    @Override
    public boolean resuming() {
        return resuming.getAsBoolean();
    }

    @Override
    public long stepsDone() {
        return steps.getAsLong();
    }
}
