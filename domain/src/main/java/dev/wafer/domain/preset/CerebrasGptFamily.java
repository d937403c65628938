package dev.wafer.domain.preset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.domain.schedule.WarmupDecaySchedule;

/**
 * The presets of the paper's Table 1, with the step counts of the Cerebras Modelzoo configurations: every run is
 * 20 tokens per parameter with a warm-up of about 375M tokens and decay to 10% of the peak. muP models use the
 * same warm-up and decay steps as SP, a peak of 6e-3 and linear decay.
 */
public final class CerebrasGptFamily {
    private static final int SEQ = ModelShape.PAPER_SEQ_LENGTH;
    /** muP's transferred base learning rate (Table 1, Appendix G.2). */
    public static final double MUP_BASE_LEARNING_RATE = 6e-3;
    /** Tokens of warm-up in every Cerebras-GPT run (section 2.3). */
    public static final double PAPER_WARMUP_TOKENS = 375e6;
    /** The paper's muP proxy (Appendix G.2). */
    public static final String PAPER_PROXY = "40M-mup-proxy";
    /** Modelzoo's 24-layer proxy config, which differs from the paper's. */
    public static final String MODELZOO_PROXY = "40M-mup-proxy-modelzoo-24l";
    /** Tokens the paper's muP proxy trained on (Appendix G.2); the preset rounds them up to whole steps. */
    public static final double PAPER_PROXY_TOKENS = 600e6;
    /** The paper's muP proxy batch: 131,072 tokens, 64 sequences of 2048. */
    public static final int PAPER_PROXY_BATCH = 64;

    /** The 13B run switched from 720 to 1080 sequences after this many tokens (57,000 steps at 720). */
    public static final double THIRTEEN_B_SWITCH_TOKENS = 57_000.0 * 720 * SEQ;

    private static final List<CerebrasGptPreset> ALL = build();

    private CerebrasGptFamily() {
    }

    private static final List<CerebrasGptPreset> LAPTOP = buildLaptop();

    /** Every preset of the paper: SP 111M-13B, muP 111M-2.7B, and the muP proxy. */
    public static List<CerebrasGptPreset> all() {
        return ALL;
    }

    /**
     * Small presets that train in a minute or two on a laptop CPU: muP proxies at widths 64, 128 and 256 (4 layers,
     * heads of 32, sequence 128, the muP base learning rate) and an SP model of width 128. They keep the GPT-2
     * vocabulary, so most of their parameters are embeddings; each runs 200 steps of 16 sequences with 10% warm-up
     * and linear decay to 10%.
     */
    public static List<CerebrasGptPreset> laptop() {
        return LAPTOP;
    }

    /** The preset named {@code name} (any case; {@code 111M+muP} is accepted for {@code 111M-mup}). */
    public static Optional<CerebrasGptPreset> find(String name) {
        String key = normalise(name);
        return java.util.stream.Stream.concat(ALL.stream(), LAPTOP.stream())
                .filter(p -> normalise(p.name()).equals(key)).findFirst();
    }

    /**
     * The preset named {@code name}.
     *
     * @throws IllegalArgumentException listing the known names when there is none
     */
    public static CerebrasGptPreset require(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown preset '" + name
                + "'; known presets: " + java.util.stream.Stream.concat(ALL.stream(), LAPTOP.stream())
                        .map(CerebrasGptPreset::name).collect(Collectors.joining(", "))));
    }

    private static String normalise(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replace("cerebras-gpt-", "").replace("+", "-")
                .replace("μp", "mup").replace(" ", "");
    }

    private static List<CerebrasGptPreset> build() {
        List<CerebrasGptPreset> presets = new ArrayList<>();
        // name, d_model, layers, d_head, peak LR, batch (sequences), warm-up steps, decay steps, decay, eps
        presets.add(sp("111M", 768, 10, 64, 6e-4, 120, 1525, 7512, DecayType.LINEAR, 1e-8));
        presets.add(sp("256M", 1088, 14, 64, 6e-4, 264, 693, 8775, DecayType.LINEAR, 1e-8));
        presets.add(sp("590M", 1536, 18, 128, 2e-4, 264, 693, 21143, DecayType.LINEAR, 1e-8));
        presets.add(sp("1.3B", 2048, 24, 128, 2e-4, 528, 346, 23988, DecayType.COSINE, 1e-8));
        presets.add(sp("2.7B", 2560, 32, 80, 2e-4, 528, 346, 48695, DecayType.COSINE, 1e-8));
        presets.add(sp("6.7B", 4096, 32, 128, 1.2e-4, 1040, 176, 62346, DecayType.LINEAR, 1e-9));
        presets.add(thirteenB());
        presets.add(mup("111M", 768, 10, 64, 120, 1525, 7512));
        presets.add(mup("256M", 1088, 14, 64, 264, 693, 8775));
        presets.add(mup("590M", 1536, 18, 128, 264, 693, 21143));
        presets.add(mup("1.3B", 2048, 24, 128, 528, 346, 23988));
        presets.add(mup("2.7B", 2560, 32, 80, 528, 346, 48695));
        presets.add(paperProxy());
        // Modelzoo's params_gpt3_40M.yaml ("Base 40M model used for hyperparameter sweep") is not the paper's proxy:
        // 24 layers of 4 heads, batch 256, 1525 steps (152 warm-up). Kept under a name that says so.
        presets.add(new CerebrasGptPreset(MODELZOO_PROXY, ParameterisationKind.MUP, ModelShape.gpt(256, 24, 64),
                DecayType.LINEAR,
                TrainingSchedule.ofSteps(MUP_BASE_LEARNING_RATE, 152, 1373, DecayType.LINEAR, 256, SEQ, 1525),
                1e-8));
        return List.copyOf(presets);
    }

    private static List<CerebrasGptPreset> buildLaptop() {
        int seq = 128;
        int batch = 16;
        long steps = 200;
        long warmup = steps / 10;
        List<CerebrasGptPreset> presets = new ArrayList<>();
        for (int width : new int[] {64, 128, 256}) {
            presets.add(new CerebrasGptPreset("mup-proxy-" + width, ParameterisationKind.MUP,
                    new ModelShape(ModelShape.GPT2_VOCAB, seq, width, 4, width / 32, 32, 4 * width), DecayType.LINEAR,
                    TrainingSchedule.ofSteps(MUP_BASE_LEARNING_RATE, warmup, steps - warmup, DecayType.LINEAR, batch,
                            seq, steps), 1e-8));
        }
        presets.add(new CerebrasGptPreset("sp-tiny-128", ParameterisationKind.SP,
                new ModelShape(ModelShape.GPT2_VOCAB, seq, 128, 4, 4, 32, 512), DecayType.LINEAR,
                TrainingSchedule.ofSteps(6e-4, warmup, steps - warmup, DecayType.LINEAR, batch, seq, steps), 1e-8));
        return List.copyOf(presets);
    }

    private static CerebrasGptPreset sp(String name, int d, int layers, int dHead, double lr, int batch,
            long warmup, long decay, DecayType type, double eps) {
        return new CerebrasGptPreset(name, ParameterisationKind.SP, ModelShape.gpt(d, layers, dHead), type,
                TrainingSchedule.ofSteps(lr, warmup, decay, type, batch, SEQ, warmup + decay), eps);
    }

    private static CerebrasGptPreset mup(String name, int d, int layers, int dHead, int batch, long warmup,
            long decay) {
        return new CerebrasGptPreset(name + "-mup", ParameterisationKind.MUP, ModelShape.gpt(d, layers, dHead),
                DecayType.LINEAR, TrainingSchedule.ofSteps(MUP_BASE_LEARNING_RATE, warmup, decay,
                        DecayType.LINEAR, batch, SEQ, warmup + decay), 1e-8);
    }

    /**
     * The paper's muP proxy (Appendix G.2): d_model 256 (= the muP base width), 32 layers, heads of 128, 600M tokens
     * in batches of 131,072 tokens. 600M tokens are 4577.6 batches, and a run trains whole steps, so the preset is
     * 4578 steps (600,047,616 tokens): its FLOPs, tokens per parameter, predicted loss and schedule all count those
     * tokens (until 2026-12-07 they counted 600M, so the rate decayed over 600M tokens and the last step ended above
     * the floor). The paper gives no warm-up for it; like Modelzoo's proxy config (152 of 1525 steps) it warms up over
     * 10% of the steps (458), then decays linearly to 10% of the peak over the other 4120.
     */
    private static CerebrasGptPreset paperProxy() {
        long steps = (long) Math.ceil(PAPER_PROXY_TOKENS / ((double) PAPER_PROXY_BATCH * SEQ));
        long warmup = Math.round(0.1 * steps);
        return new CerebrasGptPreset(PAPER_PROXY, ParameterisationKind.MUP, ModelShape.gpt(256, 32, 128),
                DecayType.LINEAR, TrainingSchedule.ofSteps(MUP_BASE_LEARNING_RATE, warmup, steps - warmup,
                        DecayType.LINEAR, PAPER_PROXY_BATCH, SEQ, steps), 1e-8);
    }

    /**
     * 13B: 720 sequences for the first 84B tokens (57,000 steps), then 1080. Warm-up 254 and cosine decay 174,081
     * steps at 720 sequences (Modelzoo's bs-720 config), held in tokens so the rate is continuous across the
     * switch; 174,335 bs-720-equivalent steps in all, 257.1B tokens.
     */
    private static CerebrasGptPreset thirteenB() {
        double tokensPer720Step = 720.0 * SEQ;
        BatchSizeSchedule batches = BatchSizeSchedule.phased(SEQ, List.of(
                new BatchSizeSchedule.Phase(0, 720),
                new BatchSizeSchedule.Phase(THIRTEEN_B_SWITCH_TOKENS, 1080)));
        WarmupDecaySchedule lr = WarmupDecaySchedule.paper(1.2e-4, 254 * tokensPer720Step,
                174_081 * tokensPer720Step, DecayType.COSINE);
        // 57,000 steps at 720, then 116,223 - 38,000 = 78,223 steps at 1080 (the step was reset to 38,000).
        double totalTokens = THIRTEEN_B_SWITCH_TOKENS + 78_223.0 * 1080 * SEQ;
        return new CerebrasGptPreset("13B", ParameterisationKind.SP, ModelShape.gpt(5120, 40, 128),
                DecayType.COSINE, new TrainingSchedule(lr, batches, totalTokens), 1e-9);
    }
}
