package dev.wafer.formats.study;

import dev.wafer.formats.fileio.AtomicPathWriter;
import dev.wafer.formats.fileio.IoReason;
import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.formats.input.StrictLineReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.study.MupSearch;
import dev.wafer.domain.study.MupSearchSpace;

/**
 * The results file of {@code study mup-search}: {@code mup-search.jsonl} in --out, one JSON object per finished
 * sample, appended as each finishes, so that a killed search continues where it stopped. Every line names the
 * search it belongs to (proxy, seed, batch, sequence length, held-out sequences, data and its content fingerprint,
 * backend, steps and warm-up steps); a rerun with other settings, on other content or on another backend is refused
 * naming the flag rather than mixed in, and so is a line of an older build whose sample was trained or scored
 * otherwise than it would be now. Each line is held to what the log writes. A last line cut short by a kill is
 * dropped.
 */
public final class MupSearchLog {
    /** How held-out losses are scored: written since 2026-12-07, when the count stopped being rounded to batches. */
    private static final String EVAL_SCORING = "eval_scoring";
    private static final String EXACT_COUNT = "each sequence once, last batch in part";
    /** Warm-up steps of each sample: written since 2026-12-07, when runs of 2-4 steps stopped having none. */
    private static final String WARMUP_STEPS = "warmup_steps";
    /** The flag behind each setting, for the refusal of a rerun with other settings. */
    private static final Map<String, String> FLAGS = Map.of("proxy", "--proxy", "seed", "--seed", "batch_sequences",
            "--batch", "seq_length", "--seq", "eval_sequences", "--eval-sequences", "backend",
            "--backend");

    /** The file name in the search's output directory. */
    public static final String FILE_NAME = "mup-search.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Object> search;
    private final long seed;
    private final int samples;
    private final double warmupFraction;
    /** Whether a line's data fingerprint is this search's data (another fingerprint of it included). */
    private final java.util.function.Predicate<String> sameData;

    private MupSearchLog(Path file, Map<String, Object> search, long seed, int samples, double warmupFraction,
                         java.util.function.Predicate<String> sameData) {
        this.sameData = sameData;
        this.file = file;
        this.search = search;
        this.seed = seed;
        this.samples = samples;
        this.warmupFraction = warmupFraction;
    }

    /**
     * The log in {@code dir} of the search {@code s} on {@code data}, whose content is identified by
     * {@code fingerprint} (its manifest's, as {@code train --resume} compares it): a resume on other content at the
     * same path is refused, a moved byte-identical copy accepted; and on {@code backend} (its name): a resume on
     * another backend is refused, as another setting is. Lines whose fingerprint {@code identifies} accepts are
     * on the same data too (the fingerprints earlier builds wrote, which depended on the inputs' paths).
     */
    public static MupSearchLog in(Path dir, MupSearch.Settings s, String data, String fingerprint,
                                  java.util.function.Predicate<String> identifies, String backend) {
        // The settings the user gives come first, the ones derived from them last: a rerun that differs in both is
        // refused naming the flag ("--batch 16"), not what follows from it ("steps 2").
        Map<String, Object> search = new LinkedHashMap<>();
        search.put("proxy", s.proxy());
        search.put("seed", s.training().seed());
        search.put("batch_sequences", s.training().batchSequences());
        search.put("seq_length", s.training().seqLength());
        // Held-out losses over different numbers of sequences are not comparable: a resume must score as many.
        search.put("eval_sequences", s.training().evalSequences());
        search.put("data", data);
        search.put("data_fingerprint", fingerprint);
        // The summary names one backend: samples trained on another would be mislabelled (and not bit-comparable).
        search.put("backend", backend);
        search.put("steps", s.steps());
        // Written since 2026-12-07, when runs of 2-4 steps got a warm-up step: a rule change shows as a difference.
        search.put(WARMUP_STEPS, s.training().warmupSteps(s.steps()));
        search.put(EVAL_SCORING, EXACT_COUNT);
        return new MupSearchLog(dir.resolve(FILE_NAME), search, s.training().seed(), s.samples(),
                s.training().warmupFraction(), recorded -> recorded.equals(fingerprint) || identifies.test(recorded));
    }

    public Path file() {
        return file;
    }

    /**
     * The samples already finished; drops a cut-short last line from the file.
     *
     * @throws InvalidInputException when a line belongs to another search or is damaged
     */
    public List<MupSearch.Sample> finished() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        try (StrictLineReader in = new StrictLineReader(Files.newInputStream(file), file.toString())) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + file + ": " + e.getMessage());
        }
        // Drawn as far as the file's indices reach, not all --samples up front (2^31 - 1 of them would take minutes).
        java.util.Iterator<MupHyperparameters> draws = MupSearchSpace.draws(seed);
        List<MupHyperparameters> seeded = new ArrayList<>();
        Map<Integer, Integer> lineOfIndex = new java.util.HashMap<>();
        List<MupSearch.Sample> samples = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                if (i == lines.size() - 1) {
                    break; // killed while writing it: the sample runs again
                }
                throw new InvalidInputException(file + ":" + (i + 1) + problem(e));
            }
            String where = file + ":" + (i + 1);
            MupSearch.Sample sample = sample(n, where);
            Integer before = lineOfIndex.putIfAbsent(sample.index(), i + 1);
            if (before != null) {
                throw new InvalidInputException(where + ": field 'index' is " + sample.index() + ", already finished on"
                        + " line " + before + "; the file was edited: remove one of the lines");
            }
            requireSettingTypes(n, where);
            requireSameSearch(n, where);
            if (sample.index() < this.samples) {
                while (seeded.size() <= sample.index()) {
                    seeded.add(draws.next());
                }
                // Checked after the settings: with another seed the triples differ as they should.
                requireSeededTriple(sample, seeded.get(sample.index()), where);
            }
            samples.add(sample);
            kept.add(line);
        }
        if (kept.size() != lines.stream().filter(l -> !l.isBlank()).count()) {
            rewrite(String.join("\n", kept) + (kept.isEmpty() ? "" : "\n"));
        }
        return samples;
    }

    /** Appends one finished sample. */
    public void append(MupSearch.Sample s) {
        Map<String, Object> line = new LinkedHashMap<>(search);
        line.put("index", s.index());
        line.put("eta_base", s.triple().baseLearningRate());
        line.put("sigma_base", s.triple().initStd());
        line.put("m_emb", s.triple().embeddingMultiplier());
        line.put("loss", Double.isFinite(s.loss()) ? s.loss() : null);
        line.put("diverged", s.diverged());
        try {
            write(JSON.writeValueAsString(line) + "\n", StandardOpenOption.APPEND);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Refuses a line of another search, naming the flag that differs (the ones the user gives first). */
    private void requireSameSearch(JsonNode n, String where) {
        for (Map.Entry<String, Object> e : search.entrySet()) {
            String key = e.getKey();
            if ((key.equals("eval_sequences") || key.equals("backend")) && !n.has(key)) {
                continue; // written before the log recorded it: cannot be checked (but see OlderLines)
            }
            if ((key.equals(EVAL_SCORING) || key.equals(WARMUP_STEPS)) && !n.has(key)) {
                continue; // written before the log recorded it: checked below by the rule of the time
            }
            if (key.equals("data") && n.has("data_fingerprint")) {
                continue; // the content is compared, not the description, which names the path
            }
            if (key.equals("data_fingerprint") && !n.has("data_fingerprint")) {
                continue; // written before the log recorded it: its description is compared
            }
            if (key.equals("data_fingerprint") && !sameData.test(n.path("data_fingerprint").asText())) {
                throw new InvalidInputException("--out " + file.getParent() + " holds a search on other data ("
                        + n.path("data").asText() + ", fingerprint " + n.path("data_fingerprint").asText()
                        + "), not " + search.get("data") + " (fingerprint " + e.getValue()
                        + "); give another --out or the same data");
            }
            if (!n.has(key)) {
                // Every line is written with every field: a missing one was edited out (it read "seed , not 1").
                throw new InvalidInputException(where + ": not a mup-search result (no " + key + ")");
            }
            String was = n.path(key).asText();
            if (!was.equals(String.valueOf(e.getValue()))) {
                throw new InvalidInputException("--out " + file.getParent() + " holds a search with " + setting(key, was)
                        + ", not " + e.getValue() + "; give another --out or the same settings");
            }
        }
        if (!n.has(EVAL_SCORING)) {
            // Written before 2026-12-07: scored and warmed up by the rules of the time.
            long steps = ((Number) search.get("steps")).longValue();
            OlderLines.requireWholeBatches(n, ((Number) search.get("eval_sequences")).longValue(), where);
            if (!n.has(WARMUP_STEPS)) {
                OlderLines.requireSameWarmup(steps, ((Number) search.get(WARMUP_STEPS)).longValue(), warmupFraction,
                        where);
            }
        }
    }

    /**
     * A setting as the user gives it: the flag and value, with the log's field where its name differs
     * ({@code --batch 8 (batch_sequences)}); steps, which no flag gives, with the budget that gives them.
     */
    private String setting(String key, String was) {
        String flag = FLAGS.get(key);
        if (flag != null) {
            return flag + " " + was + (flag.equals("--" + key.replace('_', '-')) ? "" : " (" + key + ")");
        }
        if (key.equals("steps")) {
            // Batch and sequence length are the same here (compared first): the budget differs.
            long tokens = Long.parseLong(was) * ((Number) search.get("batch_sequences")).longValue()
                    * ((Number) search.get("seq_length")).longValue();
            return "steps " + was + " per sample (--budget-tokens " + tokens + " at this --batch and --seq)";
        }
        return key + " " + was;
    }

    /**
     * Refuses a line whose triple is not the one the seed draws at its index: it was edited, not trained. Names the
     * first field that differs, both values in full (the triple's own text rounds to 4 digits, so both read alike).
     */
    private void requireSeededTriple(MupSearch.Sample sample, MupHyperparameters drawn, String where) {
        MupHyperparameters t = sample.triple();
        double[] was = {t.baseLearningRate(), t.initStd(), t.embeddingMultiplier()};
        double[] seeded = {drawn.baseLearningRate(), drawn.initStd(), drawn.embeddingMultiplier()};
        String[] names = {"eta_base", "sigma_base", "m_emb"};
        for (int k = 0; k < names.length; k++) {
            if (Double.compare(was[k], seeded[k]) != 0) {
                throw new InvalidInputException(where + ": field '" + names[k] + "' of sample " + sample.index()
                        + " is " + was[k] + ", but seed " + seed + " draws " + seeded[k]
                        + " there; the file was edited: remove the line to train the sample again");
            }
        }
    }

    /**
     * Why a line is no result, on one line: the parser's own words and column (not its multi-line message with the
     * source excerpt), or the field that is missing.
     */
    private static String problem(Exception e) {
        if (e instanceof JsonProcessingException j) {
            JsonLocation at = j.getLocation();
            return (at == null ? "" : ":" + at.getColumnNr()) + ": not a mup-search result: "
                    + j.getOriginalMessage().lines().findFirst().orElse("");
        }
        return ": not a mup-search result (" + e.getMessage() + ")";
    }

    /** A line's sample, each field of the type the log writes, refused naming the field otherwise. */
    private static MupSearch.Sample sample(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new InvalidInputException(where + ": not a mup-search result (not a JSON object)");
        }
        JsonNode index = field(n, "index", where);
        if (!index.isIntegralNumber() || !index.canConvertToInt() || index.asInt() < 0) {
            throw new InvalidInputException(where + ": field 'index' must be a whole number from 0 to " + Integer.MAX_VALUE
                    + " (a sample's place in the search), found " + index);
        }
        JsonNode diverged = field(n, "diverged", where);
        if (!diverged.isBoolean()) {
            throw new InvalidInputException(where + ": field 'diverged' must be true or false, found " + diverged);
        }
        JsonNode loss = field(n, "loss", where);
        // Held to what the log writes: null for a diverged sample, else a cross-entropy (finite, at least 0).
        if (diverged.asBoolean() && !loss.isNull()) {
            throw new InvalidInputException(where + ": field 'loss' must be null with \"diverged\":true (a diverged"
                    + " sample has no loss), found " + loss);
        }
        if (!diverged.asBoolean() && !finite(loss)) {
            throw new InvalidInputException(where + ": field 'loss' must be a finite number (null only with"
                    + " \"diverged\":true), found " + loss);
        }
        if (!diverged.asBoolean() && loss.asDouble() < 0) {
            throw new InvalidInputException(where + ": field 'loss' must not be negative (a cross-entropy is at"
                    + " least 0), found " + loss);
        }
        return new MupSearch.Sample(index.asInt(), new MupHyperparameters(positive(n, "eta_base", where),
                positive(n, "sigma_base", where), positive(n, "m_emb", where)),
                loss.isNull() ? Double.NaN : loss.asDouble(), diverged.asBoolean());
    }

    /**
     * Each setting the line holds is of the type the log writes (integers for the numbers, strings otherwise):
     * compared as text, {@code "seed":"1"} passed for {@code 1}.
     */
    private void requireSettingTypes(JsonNode n, String where) {
        for (Map.Entry<String, Object> e : search.entrySet()) {
            JsonNode v = n.get(e.getKey());
            if (v == null) {
                continue; // a missing field is named where the settings are compared
            }
            boolean number = e.getValue() instanceof Number;
            if (number ? !v.isIntegralNumber() : !v.isTextual()) {
                throw new InvalidInputException(where + ": field '" + e.getKey() + "' must be "
                        + (number ? "an integer" : "a string") + ", found " + v);
            }
        }
    }

    private static boolean finite(JsonNode v) {
        return v.isNumber() && Double.isFinite(v.asDouble());
    }

    private static double positive(JsonNode n, String name, String where) {
        JsonNode v = field(n, name, where);
        if (!finite(v) || v.asDouble() <= 0) {
            throw new InvalidInputException(where + ": field '" + name + "' must be a positive number, found " + v);
        }
        return v.asDouble();
    }

    private static JsonNode field(JsonNode n, String name, String where) {
        JsonNode v = n.get(name);
        if (v == null) {
            throw new InvalidInputException(where + ": not a mup-search result (no " + name + ")");
        }
        return v;
    }

    /**
     * Replaces the log through a temporary file and a rename: rewritten in place, a kill during the rewrite left an
     * empty or partial file, every finished sample lost.
     */
    private void rewrite(String text) {
        try {
            AtomicPathWriter.writeString(file, text);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** A failed write: exit 74 naming the log and the operating system's reason. */
    private UncheckedIOException failure(IOException e) {
        return new UncheckedIOException(new FileSystemException(file.toString(), null, IoReason.of(e)));
    }

    private void write(String text, StandardOpenOption mode) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    mode);
        } catch (IOException e) {
            throw failure(e);
        }
    }
}
