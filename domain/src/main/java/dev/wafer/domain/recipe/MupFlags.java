package dev.wafer.domain.recipe;

import java.util.Map;

import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.param.ParameterisationKind;

/**
 * The muP triple of a request ({@code --mup-base-lr}, {@code --mup-init-std}, {@code --mup-emb-mult}): refused for
 * SP runs and for values that are not positive; what is not given keeps the paper's value. η_base is the muP
 * schedule's peak, so {@code --mup-base-lr} and {@code --lr} exclude each other.
 */
final class MupFlags {
    private MupFlags() {
    }

    /** @throws RunRequestException naming the first flag that is given for SP, not positive, or doubled */
    static void check(RunRequest r, ParameterisationKind kind) {
        RunRequest.Mup m = r.mup();
        Map<String, Double> given = new java.util.LinkedHashMap<>();
        given.put("--mup-base-lr", m.baseLr());
        given.put("--mup-init-std", m.initStd());
        given.put("--mup-emb-mult", m.embMult());
        for (Map.Entry<String, Double> e : given.entrySet()) {
            Double v = e.getValue();
            if (v == null) {
                continue;
            }
            if (kind != ParameterisationKind.MUP) {
                throw new RunRequestException(e.getKey() + " applies to muP runs only, and this run is "
                        + kind.id() + " (give --parameterisation mup or a muP preset)");
            }
            if (!(v > 0) || v.isInfinite()) {
                throw new RunRequestException(e.getKey() + " must be positive, found " + v);
            }
        }
        if (m.baseLr() != null && r.lr() != null) {
            throw new RunRequestException("--mup-base-lr and --lr both set a muP run's peak learning rate; give one");
        }
    }

    /** The peak learning rate the request gives ({@code --lr} or {@code --mup-base-lr}), or null. */
    static Double peak(RunRequest r) {
        return r.lr() != null ? r.lr() : r.mup().baseLr();
    }

    /** The triple of a run whose schedule peaks at {@code peak}: null for SP. */
    static MupHyperparameters triple(RunRequest r, ParameterisationKind kind, double peak) {
        if (kind != ParameterisationKind.MUP) {
            return null;
        }
        MupHyperparameters paper = MupHyperparameters.PAPER;
        RunRequest.Mup m = r.mup();
        return new MupHyperparameters(peak, m.initStd() != null ? m.initStd() : paper.initStd(),
                m.embMult() != null ? m.embMult() : paper.embeddingMultiplier());
    }
}
