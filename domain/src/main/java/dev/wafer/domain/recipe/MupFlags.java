package dev.wafer.domain.recipe;

import java.util.Map;

import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.param.ParameterisationKind;

/**
 * The muP triple of a request ({@code --mup-base-lr}, {@code --mup-init-std}, {@code --mup-emb-mult}): refused for
 * SP runs and for values out of range; what is not given keeps the paper's value. η_base is the muP schedule's peak,
 * so {@code --mup-base-lr} and {@code --lr} exclude each other.
 */
final class MupFlags {
    /**
     * The least σ_base and m_emb taken: six decades below 1 (the search draws them in [0.02, 0.32] and [1, 100]).
     * The model applies both as 32-bit floats: until 2026-12-07 only positive doubles were asked for, and
     * {@code --mup-emb-mult 1e-50} trained with a multiplier of 0 while the checkpoint recorded 1e-50.
     */
    static final double MIN_SCALE = 1e-6;
    /**
     * The largest σ_base and m_emb taken: six decades above 1. Far beyond, the first forward overflows 32-bit floats
     * ({@code --mup-init-std 1e20}, {@code --mup-emb-mult 1e39}: "loss is NaN" at step 1); at 1e6 a 4-layer model of
     * width 256 still trains.
     */
    static final double MAX_SCALE = 1e6;

    private MupFlags() {
    }

    /** @throws RunRequestException naming the first flag that is given for SP, out of range, or doubled */
    static void check(RunRequest r, ParameterisationKind kind) {
        if (r.lr() != null && (!(r.lr() > 0) || r.lr().isInfinite())) {
            throw new RunRequestException("--lr must be positive and finite, found " + r.lr());
        }
        if (r.lr() != null && !LearningRates.inRange(r.lr())) {
            throw new RunRequestException(LearningRates.outOfRange("--lr", r.lr()));
        }
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
            if (e.getKey().equals("--mup-base-lr") && !LearningRates.inRange(v)) {
                throw new RunRequestException(LearningRates.outOfRange(e.getKey(), v));
            }
            if (!e.getKey().equals("--mup-base-lr") && !(v >= MIN_SCALE && v <= MAX_SCALE)) {
                throw new RunRequestException(e.getKey() + " must be in [1e-6, 1e6] (the"
                        + " model applies it as a 32-bit float: far outside, it rounds to 0 or overflows), found " + v);
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
