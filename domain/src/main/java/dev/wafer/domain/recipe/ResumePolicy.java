package dev.wafer.domain.recipe;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.Precision;
import dev.wafer.domain.session.RunSpec;

/**
 * Which settings a checkpoint fixes: a resumed run continues the saved one exactly, so its model, schedule, seed,
 * precision and data kind come from the checkpoint. What may change is how the rest is carried out: the batch from
 * here on, the micro-batch, where the data now lives, and the run's own flags (output, stopping, reporting). A fixed
 * setting given with the checkpoint's own value, or for the batch and the steps the value the run was started with
 * (a new batch changes both), changes nothing and is accepted (the command that started a run, repeated with
 * {@code --resume}, continues it); only a preset, whose name the checkpoint does not record, cannot be compared and
 * is refused.
 */
public final class ResumePolicy {
    /** The settings of a {@link RunRequest} that may be given on resume. */
    public static final List<String> MAY_CHANGE = List.of("--batch-tokens", "--micro-batch");

    private ResumePolicy() {
    }

    /**
     * A fixed setting a resume request gives with a value other than the checkpoint's.
     *
     * @param flag  the setting, by its flag
     * @param given the value the request gives
     * @param saved the checkpoint's value in words ({@code true}/{@code false} for a switch), or null when the
     *              checkpoint does not record it (a preset)
     */
    public record Conflict(String flag, Object given, String saved) {
    }

    /** The first setting {@code request} gives that the checkpoint fixes, if any, whatever its value. */
    public static Optional<String> firstFixed(RunRequest request) {
        return request.given().keySet().stream().filter(flag -> !MAY_CHANGE.contains(flag)).findFirst();
    }

    /**
     * The first fixed setting {@code request} gives with a value other than {@code saved}'s, if any. The batch and
     * the steps are compared with what the run was started with as well as with what it has now: a resume with
     * another {@code --batch-tokens} changes both (the same tokens in steps of another size), and the command that
     * started the run, repeated with {@code --resume}, must still continue it.
     *
     * @param tokensTrained the checkpoint's position, where {@code --batch} is compared with the batch in force
     */
    public static Optional<Conflict> firstConflict(RunRequest request, RunSpec saved, long tokensTrained) {
        for (Map.Entry<String, Object> e : request.given().entrySet()) {
            if (MAY_CHANGE.contains(e.getKey())) {
                continue;
            }
            Object recorded = recorded(e.getKey(), saved, tokensTrained);
            if (recorded == null) {
                return Optional.of(new Conflict(e.getKey(), e.getValue(), null));
            }
            Object started = started(e.getKey(), saved);
            boolean asStarted = started != null && same(e.getValue(), started);
            if (!same(e.getValue(), recorded) && !asStarted) {
                String also = started == null || started.equals(recorded) ? ""
                        : " (" + words(started) + (e.getKey().equals("--steps") ? " in steps of its first batch)"
                        : " at its start)");
                return Optional.of(new Conflict(e.getKey(), e.getValue(), words(recorded) + also));
            }
        }
        return Optional.empty();
    }

    /**
     * What the run was started with, for the settings a later batch phase changes: the first phase's batch, and the
     * whole run's tokens in steps of that batch (when they are whole steps); null for the others.
     */
    private static Object started(String flag, RunSpec s) {
        BatchSizeSchedule batches = s.schedule().batches();
        return switch (flag) {
            case "--batch" -> batches.phases().getFirst().sequences();
            case "--steps" -> {
                double total = s.schedule().totalTokens();
                long first = batches.tokensPerStepAt(0);
                yield total % first == 0 ? Long.valueOf((long) (total / first)) : null;
            }
            default -> null;
        };
    }

    /** The checkpoint's value of {@code flag}, in the form the flag gives it; null when it is not recorded. */
    private static Object recorded(String flag, RunSpec s, long tokensTrained) {
        return switch (flag) {
            case "--parameterisation" -> s.parameterisation();
            case "--steps" -> s.totalSteps();
            case "--lr" -> s.schedule().lrInTokens().peak();
            case "--warmup" -> s.schedule().lrInTokens().warmup() / s.schedule().batches().tokensPerStepAt(0);
            case "--decay" -> s.schedule().lrInTokens().type();
            case "--eps" -> s.adam().eps();
            case "--mup-base-lr" -> s.mup() == null ? "none (an SP run)" : s.mup().baseLearningRate();
            case "--mup-init-std" -> s.mup() == null ? "none (an SP run)" : s.mup().initStd();
            case "--mup-emb-mult" -> s.mup() == null ? "none (an SP run)" : s.mup().embeddingMultiplier();
            case "--d-model" -> s.shape().dModel();
            case "--layers" -> s.shape().nLayers();
            case "--heads" -> s.shape().nHeads();
            case "--seq" -> s.seqLength();
            case "--batch" -> batchAt(s.schedule().batches(), tokensTrained);
            case "--vocab" -> s.shape().vocabSize();
            case "--precision" -> s.precision();
            case "--synthetic" -> s.data().kind() == DataKind.SYNTHETIC;
            case "--fp32-attention-grads" -> s.fp32AttentionGrads();
            case "--skip-nonfinite" -> s.skipNonFinite();
            case "--seed" -> s.seed();
            default -> null; // --preset: the checkpoint keeps the recipe, not its name
        };
    }

    private static int batchAt(BatchSizeSchedule batches, long tokens) {
        int sequences = batches.phases().getFirst().sequences();
        for (BatchSizeSchedule.Phase p : batches.phases()) {
            if (p.startTokens() <= tokens) {
                sequences = p.sequences();
            }
        }
        return sequences;
    }

    private static boolean same(Object given, Object recorded) {
        try {
            return switch (recorded) {
                case Number n when given instanceof Number g -> g.doubleValue() == n.doubleValue();
                case Precision p -> Precision.parse(String.valueOf(given)) == p;
                case DecayType d -> DecayType.parse(String.valueOf(given)) == d;
                case ParameterisationKind k -> ParameterisationKind.parse(String.valueOf(given)) == k;
                default -> recorded.equals(given);
            };
        } catch (IllegalArgumentException e) {
            return false; // not a value of the setting at all: not the checkpoint's
        }
    }

    private static String words(Object recorded) {
        return switch (recorded) {
            case Precision p -> p.id();
            case DecayType d -> d.id();
            case ParameterisationKind k -> k.id();
            case Double d when d == Math.rint(d) && Math.abs(d) < 1e15 -> String.valueOf(d.longValue());
            default -> String.valueOf(recorded);
        };
    }
}
