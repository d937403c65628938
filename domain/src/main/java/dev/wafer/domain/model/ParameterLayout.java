package dev.wafer.domain.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter tensors of a {@link ModelShape}, one per {@link ParameterName} in llm.c's order and layout, packed
 * one after another into a flat allocation. Linear weights are (out, in) like {@code nn.Linear}; per-layer tensors
 * are stacked along a leading L axis. The LM head is {@link ParameterName#WTE}.
 */
public final class ParameterLayout {
    private final List<ParameterSpec> specs;
    private final Map<ParameterName, ParameterSpec> byName = new EnumMap<>(ParameterName.class);
    private final long total;
    private final ModelShape shape;

    /** The layout of {@code shape}. */
    public ParameterLayout(ModelShape shape) {
        this.shape = shape;
        List<ParameterSpec> list = new ArrayList<>();
        long offset = 0;
        for (ParameterName name : ParameterName.values()) {
            ParameterSpec p = new ParameterSpec(name, name.shape(shape), offset);
            offset += p.count();
            list.add(p);
            byName.put(name, p);
        }
        this.specs = Collections.unmodifiableList(list);
        this.total = offset;
    }

    /** The shape this layout is for. */
    public ModelShape shape() {
        return shape;
    }

    /** Every tensor, in allocation order. */
    public List<ParameterSpec> specs() {
        return specs;
    }

    /** Total number of parameters (the tied LM head counted once). */
    public long totalCount() {
        return total;
    }

    /** The tensor called {@code name}. */
    public ParameterSpec spec(ParameterName name) {
        return byName.get(name);
    }
}
