package dev.wafer.domain.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The fixed list of named parameter tensors of a {@link ModelShape}, in llm.c's order and layout. Linear weights are
 * (out, in) like {@code nn.Linear}; per-layer tensors are stacked along a leading L axis. The LM head is {@code wte}.
 */
public final class ParameterLayout {
    private final List<ParameterSpec> specs;
    private final long total;
    private final ModelShape shape;

    /** The layout of {@code shape}. */
    public ParameterLayout(ModelShape shape) {
        this.shape = shape;
        int v = shape.vocabSize();
        int c = shape.dModel();
        int f = shape.dFfn();
        int l = shape.nLayers();
        List<ParameterSpec> list = new ArrayList<>();
        long[] off = {0};
        java.util.function.BiConsumer<Object[], int[]> add = (nameRole, dims) -> {
            ParameterSpec p = new ParameterSpec((String) nameRole[0], (ParameterRole) nameRole[1], dims, off[0]);
            off[0] += p.count();
            list.add(p);
        };
        add.accept(new Object[] {"wte", ParameterRole.TOKEN_EMBEDDING}, new int[] {v, c});
        add.accept(new Object[] {"wpe", ParameterRole.POSITION_EMBEDDING}, new int[] {shape.seqLength(), c});
        add.accept(new Object[] {"ln1w", ParameterRole.NORM_WEIGHT}, new int[] {l, c});
        add.accept(new Object[] {"ln1b", ParameterRole.NORM_BIAS}, new int[] {l, c});
        add.accept(new Object[] {"qkvw", ParameterRole.HIDDEN_WEIGHT}, new int[] {l, 3 * c, c});
        add.accept(new Object[] {"qkvb", ParameterRole.BIAS}, new int[] {l, 3 * c});
        add.accept(new Object[] {"attprojw", ParameterRole.OUTPUT_WEIGHT}, new int[] {l, c, c});
        add.accept(new Object[] {"attprojb", ParameterRole.BIAS}, new int[] {l, c});
        add.accept(new Object[] {"ln2w", ParameterRole.NORM_WEIGHT}, new int[] {l, c});
        add.accept(new Object[] {"ln2b", ParameterRole.NORM_BIAS}, new int[] {l, c});
        add.accept(new Object[] {"fcw", ParameterRole.HIDDEN_WEIGHT}, new int[] {l, f, c});
        add.accept(new Object[] {"fcb", ParameterRole.BIAS}, new int[] {l, f});
        add.accept(new Object[] {"fcprojw", ParameterRole.OUTPUT_WEIGHT}, new int[] {l, c, f});
        add.accept(new Object[] {"fcprojb", ParameterRole.BIAS}, new int[] {l, c});
        add.accept(new Object[] {"lnfw", ParameterRole.NORM_WEIGHT}, new int[] {c});
        add.accept(new Object[] {"lnfb", ParameterRole.NORM_BIAS}, new int[] {c});
        this.specs = Collections.unmodifiableList(list);
        this.total = off[0];
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

    /** The tensor called {@code name}. @throws IllegalArgumentException if there is none */
    public ParameterSpec spec(String name) {
        for (ParameterSpec p : specs) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter tensor named " + name);
    }
}
