package dev.wafer.domain.model;

import dev.wafer.ports.compute.Tensor;

/**
 * Every layer's view of every stacked tensor of a {@link ParameterSet}, sliced once up front so that the per-layer
 * loops of the forward and backward passes make no views.
 */
final class LayerViews {
    private final Tensor[][] views;

    LayerViews(ParameterSet set) {
        int layers = set.layout().shape().nLayers();
        this.views = new Tensor[ParameterName.values().length][];
        for (ParameterName n : ParameterName.stackedNames()) {
            Tensor[] perLayer = new Tensor[layers];
            for (int l = 0; l < layers; l++) {
                perLayer[l] = set.layer(n, l);
            }
            views[n.ordinal()] = perLayer;
        }
    }

    /** Layer {@code l}'s slice of the stacked tensor {@code name}. */
    Tensor get(ParameterName name, int l) {
        return views[name.ordinal()][l];
    }
}
