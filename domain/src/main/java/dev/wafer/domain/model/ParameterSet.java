package dev.wafer.domain.model;

import java.util.EnumMap;
import java.util.Map;

import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * One flat tensor holding every parameter of a layout (or every gradient, or every optimizer moment), with a
 * view per named tensor. A single allocation keeps whole-model operations (zeroing, norms) to one kernel call.
 */
public final class ParameterSet {
    private final ParameterLayout layout;
    private final Tensor flat;
    private final Map<ParameterName, Tensor> views = new EnumMap<>(ParameterName.class);

    /** Allocates a zero-filled set for {@code layout} in {@code scope}. */
    public ParameterSet(ParameterLayout layout, TensorScope scope) {
        this.layout = layout;
        this.flat = scope.allocate(layout.totalCount());
        for (ParameterSpec p : layout.specs()) {
            views.put(p.name(), flat.slice(p.offset(), p.count()));
        }
    }

    /** The layout the views follow. */
    public ParameterLayout layout() {
        return layout;
    }

    /** The whole allocation. */
    public Tensor flat() {
        return flat;
    }

    /** The view of the tensor called {@code name}. */
    public Tensor get(ParameterName name) {
        return views.get(name);
    }

    /**
     * The view of layer {@code l}'s slice of a stacked per-layer tensor.
     *
     * @throws IllegalArgumentException if {@code name} is not stacked per layer
     */
    public Tensor layer(ParameterName name, int l) {
        if (!name.stacked()) {
            throw new IllegalArgumentException(name.id() + " is not a per-layer tensor");
        }
        ParameterSpec p = layout.spec(name);
        long per = p.count() / p.shape()[0];
        return get(name).slice(l * per, per);
    }
}
