package dev.wafer.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.formats.data.DatasetManifest;
import dev.wafer.formats.data.ManifestJson;
import dev.wafer.formats.data.planted.DuplicateScore;
import dev.wafer.formats.data.planted.PlantedCorpus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wafer data plant-duplicates} and {@code wafer data score-duplicates}: measuring {@code --dedup}. */
final class PlantedDuplicatesCommands {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PlantedDuplicatesCommands() {
    }

    /** {@code wafer data plant-duplicates}. */
    @Command(name = "plant-duplicates", mixinStandardHelpOptions = true,
            description = "Write a synthetic Pile-style corpus (DIR/corpus/corpus-NN.jsonl) with planted near duplicates (sentences"
                    + " inserted, deleted, reordered; headers and footers changed; whitespace and case edits) and"
                    + " unrelated documents of shared topics, with DIR/truth.jsonl, to measure 'data prepare --dedup'"
                    + " (prepare --input DIR/corpus).")
    static final class Plant implements Callable<Integer>, BackendAgnostic {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into.")
        Path out;
        @Option(names = "--mb", defaultValue = "60", paramLabel = "MB", description = "Corpus size in MB (default ${DEFAULT-VALUE}).")
        double mb;
        @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--files", defaultValue = "1", description = "Corpus files, consecutive parts (default ${DEFAULT-VALUE}).")
        int files;

        @Override
        public Integer call() throws IOException {
            if (!(mb > 0) || mb > 1e6) {
                throw new UserError("--mb must be in (0, 1000000], got " + mb);
            }
            if (files < 1 || files > 99) {
                throw new UserError("--files must be between 1 and 99, got " + files);
            }
            checkOut();
            PlantedCorpus.Summary s = new PlantedCorpus((long) (mb * 1e6), seed, files, 8, 60).write(out);
            PrintWriter o = spec.commandLine().getOut();
            o.printf(Locale.ROOT, "wrote %d documents (%d with planted copies, %d copies), %.1f MB, to %s; truth in %s%n",
                    s.documents(), s.originals(), s.copies(), s.bytes() / 1e6, out.resolve(PlantedCorpus.CORPUS_DIR),
                    s.truth());
            if (s.documents() < files) {
                // Parts are cut by size: a corpus of fewer documents than --files leaves some parts unwritten.
                o.printf(Locale.ROOT, "note: %d documents cannot fill --files %d parts; some corpus-NN.jsonl numbers"
                        + " are missing (a larger --mb fills them all)%n", s.documents(), files);
            }
            o.flush();
            return 0;
        }

        /**
         * A fresh directory: a second corpus written over a first would leave the first's extra parts beside the
         * second's truth file, which then scores a mixed corpus.
         */
        private void checkOut() throws IOException {
            if (java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
                throw new UserError("--out " + out + ": is a file; give a new or empty directory");
            }
            if (java.nio.file.Files.isDirectory(out)) {
                try (var entries = java.nio.file.Files.list(out)) {
                    if (entries.findAny().isPresent()) {
                        throw new UserError("--out " + out + " is not empty; plant-duplicates writes a whole corpus"
                                + " and its truth.jsonl into a new or empty directory");
                    }
                }
            }
            for (Path p = out.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
                if (java.nio.file.Files.exists(p) && !java.nio.file.Files.isDirectory(p)) {
                    throw new UserError("--out " + out + ": " + p + " is a file, not a directory");
                }
            }
        }
    }

    /** {@code wafer data score-duplicates}. */
    @Command(name = "score-duplicates", mixinStandardHelpOptions = true,
            description = "Score a dataset prepared with --dedup from a plant-duplicates corpus: recall of the planted"
                    + " copies at the threshold and false-positive rate.")
    static final class Score implements Callable<Integer>, BackendAgnostic {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "Prepared dataset directory.")
        Path dataset;
        @Option(names = "--truth", required = true, paramLabel = "FILE", description = "The corpus's truth.jsonl.")
        Path truth;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            DatasetManifest m = ManifestJson.read(dataset);
            if (!m.deduplicated()) {
                throw new UserError("--dataset " + dataset + " was prepared without --dedup; nothing to score");
            }
            double threshold = m.settings().dedup().mode().equals("near") ? m.settings().dedup().threshold() : 1.0;
            DuplicateScore s = DuplicateScore.of(dataset, truth, threshold);
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                ObjectNode n = JSON.createObjectNode();
                n.put("dedup", m.settings().dedup().mode()).put("threshold", threshold).put("positives", s.positives())
                        .put("true_positives", s.truePositives()).put("recall", s.recall())
                        .put("negatives", s.negatives()).put("false_positives", s.falsePositives())
                        .put("false_positive_rate", s.falsePositiveRate())
                        .put("below_threshold", s.belowThreshold()).put("below_threshold_removed", s.belowRemoved())
                        .put("removed", s.removed());
                ObjectNode leftOut = n.putObject("left_out");
                s.leftOut().forEach(leftOut::put);
                n.put("stand_ins", s.standIns());
                o.println(JSON.writeValueAsString(n));
            } else {
                o.printf(Locale.ROOT, "--dedup %s at Jaccard %.2f: recall %.4f (%d of %d planted copies at or above"
                                + " it), false-positive rate %.4f (%d of %d documents that should stay); copies below"
                                + " it removed: %d of %d%n", m.settings().dedup().mode(), threshold, s.recall(),
                        s.truePositives(), s.positives(), s.falsePositiveRate(), s.falsePositives(), s.negatives(),
                        s.belowRemoved(), s.belowThreshold());
                if (!s.leftOut().isEmpty()) {
                    // Documents the preparation excluded never reached deduplication: not scored either way.
                    o.printf(Locale.ROOT, "left out of both: %d documents the dataset did not take in (%s)%s%n",
                            s.leftOut().values().stream().mapToLong(Long::longValue).sum(),
                            s.leftOut().entrySet().stream().map(e -> e.getValue() + " by " + e.getKey())
                                    .collect(java.util.stream.Collectors.joining(", ")),
                            s.standIns() == 0 ? "" : String.format(Locale.ROOT, "; %d kept %s of a left-out"
                                    + " original counted in its place, as a document that should stay, not a"
                                    + " missed copy", s.standIns(), s.standIns() == 1 ? "copy" : "copies"));
                }
            }
            o.flush();
            return 0;
        }
    }
}
