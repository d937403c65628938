package dev.wafer.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.ports.text.Tokenizers;
import dev.wafer.app.cluster.Cluster;
import dev.wafer.domain.data.prepare.MultiRankProtocol;
import dev.wafer.formats.data.DatasetAuditor;
import dev.wafer.formats.data.DatasetPreparers;
import dev.wafer.formats.data.FingerprintFile;
import dev.wafer.formats.data.Inputs;
import dev.wafer.formats.data.ManifestJson;
import dev.wafer.formats.data.PrepareSettings;
import dev.wafer.formats.data.PreparedDataset;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkFingerprint;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.domain.data.prepare.NoDocumentsException;
import dev.wafer.domain.data.prepare.PreparationReport;
import dev.wafer.domain.data.prepare.UnmatchedSourceException;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.SingleProcess;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.MalformedInputException;
import dev.wafer.ports.text.Tokenizer;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.wafer.domain.data.dedup.DedupMode;
import dev.wafer.domain.data.dedup.DedupSettings;

/** {@code wafer data}: prepare datasets with provenance, fingerprint works, audit membership, show stats. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Prepare training data with provenance rules; fingerprint works; audit membership.",
        subcommands = {DataCommand.Prepare.class, DataFingerprintCommand.class, DataCommand.Audit.class,
                DataStatsCommand.class, PlantedDuplicatesCommands.Plant.class, PlantedDuplicatesCommands.Score.class})
public final class DataCommand implements Runnable, BackendAgnostic {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code wafer data prepare}. */
    @Command(name = "prepare", mixinStandardHelpOptions = true,
            description = "Normalise, filter, tokenise, shuffle, split and pack a corpus into token shards with a manifest."
                    + " Without --input, the embedded sample corpus is used.")
    static final class Prepare implements Callable<Integer>, BackendAgnostic, RankAware {
        /** The longest sequence a dataset may pack: 512 times the paper's 2,048. */
        static final int MAX_SEQ_LEN = 1 << 20;
        /** The most tokenisation threads. */
        static final int MAX_THREADS = 4096;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** Whether this process is one rank of an mpirun job (then it prepares its share of the inputs). */
        @Inject
        Cluster cluster;

        @Inject
        Tokenizers tokenizers;

        @Inject
        DatasetPreparers preparers;

        @Option(names = "--input", arity = "1..*", paramLabel = "PATH",
                description = "Pile JSONL (.jsonl, .jsonl.zst), text files or directories. Default: embedded sample.")
        List<Path> inputs = new ArrayList<>();
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
        Path out;
        @Option(names = {"--seq-len", "--seq"}, defaultValue = "2048", description = "Tokens per sequence (default ${DEFAULT-VALUE}).")
        int seqLen;
        @Option(names = "--tokenizer", defaultValue = "gpt2", description = "gpt2, bytes (257 ids, for studies) or PATH/tokenizer.json (default ${DEFAULT-VALUE}).")
        String tokenizer;
        @Option(names = "--exclude-source", paramLabel = "NAME", description = "Drop every document of this source (repeatable).")
        List<String> excludeSources = new ArrayList<>();
        @Option(names = {"--allow-licence", "--allow-license"}, paramLabel = "ID",
                description = "Keep only these licences (repeatable); 'unknown' allows documents with no licence.")
        List<String> allowLicences = new ArrayList<>();
        @Option(names = "--default-source", defaultValue = Provenance.UNKNOWN_SOURCE, description = "Source of documents that name none.")
        String defaultSource;
        @Option(names = {"--default-licence", "--default-license"}, defaultValue = Provenance.UNKNOWN_LICENCE,
                description = "Licence of documents that name none.")
        String defaultLicence;
        @Option(names = {"--exclude-work", "--exclude-works"}, paramLabel = "FILE",
                description = "A work (text file, or fingerprint from 'data fingerprint') that must not be trained on (repeatable).")
        List<Path> excludeWorks = new ArrayList<>();
        @Option(names = "--split", defaultValue = "0.98,0.01,0.01", description = "train,val,test fractions (default ${DEFAULT-VALUE}).")
        String split;
        @Option(names = "--seed", defaultValue = "1234", description = "Shuffle seed (default ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = {"--on-error", "--on-malformed"}, defaultValue = "skip", paramLabel = "skip|fail",
                description = "Malformed input: count and skip, or stop (default ${DEFAULT-VALUE}).")
        String onError;
        @Option(names = "--threads", description = "Tokenisation threads (default: available processors).")
        int threads = Runtime.getRuntime().availableProcessors();
        @Option(names = "--sequences-per-shard", defaultValue = "65536", description = "Sequences per shard file (default ${DEFAULT-VALUE}).")
        long sequencesPerShard;
        @Option(names = "--bucket-mb", defaultValue = "64", paramLabel = "MB",
                description = "Input megabytes per shuffle bucket; packing holds one bucket's tokens in memory, and the"
                        + " shuffle depends on it (default ${DEFAULT-VALUE}).")
        long bucketMb;
        @Option(names = "--dedup", defaultValue = "none", paramLabel = "none|exact|near",
                description = "Remove duplicates, keeping the earliest: none (the paper's Pile was not deduplicated),"
                        + " exact (equal normalised text) or near (MinHash/LSH over 5-word shingles, Jaccard >="
                        + " --dedup-threshold); removals go to duplicates.jsonl (default ${DEFAULT-VALUE}).")
        String dedup;
        @Option(names = "--dedup-threshold", paramLabel = "J", description = "Jaccard similarity at or above which"
                + " --dedup near removes a document, in (0, 1] (default 0.8, as SlimPajama).")
        Double dedupThreshold;
        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;
        @Option(names = "--quiet", description = "No progress bars.")
        boolean quiet;

        @Override
        public Integer call() throws IOException {
            DedupSettings dedupSettings = dedupSettings(dedup, dedupThreshold);
            if (!onError.equals("skip") && !onError.equals("fail")) {
                throw new UserError("--on-error must be skip or fail, got '" + onError + "'");
            }
            if (sequencesPerShard < 1) {
                throw new UserError("--sequences-per-shard must be at least 1, got " + sequencesPerShard);
            }
            // PrepareSettings checks these too, but as preconditions of its own; the flags are checked here.
            if (seqLen < 2) {
                throw new UserError("--seq-len must be at least 2, got " + seqLen);
            }
            if (seqLen > MAX_SEQ_LEN) {
                // Packing holds a sequence's tokens in arrays; far past any model's context it only runs out of memory.
                throw new UserError("--seq-len must be at most " + MAX_SEQ_LEN + " (2^20 tokens), got " + seqLen);
            }
            if (threads < 1) {
                throw new UserError("--threads must be at least 1, got " + threads);
            }
            if (threads > MAX_THREADS) {
                // Each thread holds documents in flight; the reorder queue is sized from the count.
                throw new UserError("--threads must be at most " + MAX_THREADS + ", got " + threads);
            }
            if (defaultSource.isBlank() || defaultLicence.isBlank()) {
                throw new UserError((defaultSource.isBlank() ? "--default-source" : "--default-licence")
                        + " must not be blank: it names the source or licence in the manifest and the rules");
            }
            refuseLicenceLists(allowLicences);
            if (bucketMb < 1 || bucketMb > (1L << 20)) {
                throw new UserError("--bucket-mb must be between 1 and 1048576, got " + bucketMb);
            }
            // The swap renames the output directory: a relative --out (".", above all) would afterwards name the
            // removed old directory this process still stands in, so everything after uses the absolute path.
            Path cwd = Path.of("").toAbsolutePath().normalize();
            out = out.toAbsolutePath().normalize();
            SplitAssigner splits = splits(split);
            List<WorkFingerprint> works = new ArrayList<>();
            List<String> workNames = new ArrayList<>();
            for (Path w : excludeWorks) {
                WorkFingerprint fp = FingerprintFile.load(w);
                works.add(fp);
                workNames.add(fp.name() + " (" + fp.shingles().length + " shingles, from " + w + ")");
            }
            Tokenizer tok = tokenizers.create(tokenizer);
            PrepareSettings settings = new PrepareSettings(out, tok, seqLen, seed, split, splits,
                    new ProvenanceRules(new HashSet<>(excludeSources), new HashSet<>(allowLicences), new WorkMatcher(works)),
                    excludeSources, allowLicences, workNames, defaultSource, defaultLicence, onError.equals("fail"),
                    threads, sequencesPerShard, bucketMb << 20, dedupSettings);
            // Under mpirun every rank prepares its share; rank 0 alone writes the dataset and prints.
            Cluster.Ranks ranks = cluster.launchedRanks().isPresent() ? cluster.join(line -> {
                System.err.println("wafer: " + line);
                System.err.flush();
            }, Cluster.PREPARE_TIMEOUT) : null;
            Collective collective = ranks == null ? SingleProcess.instance() : ranks.collective();
            boolean lead = collective.rank() == 0;
            long leadProcess = MultiRankProtocol.leadProcess(collective, ProcessHandle.current().pid());
            DatasetPreparers.Preparer preparer = preparers.create(settings,
                    ConsoleProgress.forTerminal(quiet || !lead, System.err), leadProcess);
            List<DocumentSource> sources = inputs.isEmpty() ? List.of(Inputs.sample(preparer.byteCounter()))
                    : Inputs.resolve(inputs, preparer.byteCounter(), out);
            if (collective.size() > 1) {
                String agreed = agreement(settings) + sources.stream().map(i -> i.name() + ":" + i.sizeBytes()).toList();
                MultiRankProtocol.disagreeingRank(collective, agreed).ifPresent(rank -> {
                    throw new UserError("rank " + rank + " sees other inputs or settings than rank 0: pass the same"
                            + " flags on every rank, with --input and --out on a file system every rank sees");
                });
            }
            PreparationReport report;
            PrepareStop stop = PrepareStop.install(preparer, lead);
            try {
                Optional<PreparationReport> r = stop.prepare(sources, collective);
                if (r.isEmpty()) {
                    ranks.finish();
                    return 0;
                }
                report = r.get();
            } catch (MalformedInputException e) {
                throw new UserError("malformed input (--on-error fail): " + e.getMessage());
            } catch (NoDocumentsException e) {
                throw new UserError(NothingKeptMessage.of(e));
            } catch (UnmatchedSourceException e) {
                throw new UserError(unmatchedSourcesMessage(e));
            } finally {
                stop.close();
                if (tok instanceof AutoCloseable c) {
                    closeQuietly(c);
                }
            }
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                o.println(ManifestJson.text(out));
            } else {
                SummaryTable.print(o, ManifestJson.read(out));
                o.printf(Locale.ROOT, "prepared %s in %.2f s: %.1f MB of text, %.2f MB/s%n", out, report.seconds(),
                        report.textBytes() / 1e6, report.megabytesPerSecond());
                Optional.ofNullable(ranks).flatMap(Cluster.Ranks::mpiDescription).ifPresent(m -> o.printf(
                        Locale.ROOT, "prepared by %s: pass 1 on every rank %.2f s, pass 2 %.2f s, of which rank 0"
                                + " alone (merging the ranks' results, assembling their pieces) %.2f s%n", m,
                        report.passOneSeconds(), report.seconds() - report.passOneSeconds(), report.serialSeconds()));
            }
            if (lead && cwd.startsWith(out)) {
                System.err.println("note: " + out + " was replaced by the new dataset; this shell stands in the"
                        + " removed old directory: cd " + out);
            }
            o.flush();
            if (ranks != null) {
                ranks.finish();
            }
            return 0;
        }

        /**
         * The line for excluded sources that matched nothing, e.g. {@code --exclude-source Book3: no document has
         * this source and it is not one of the Pile's; the input's sources are Books3, Pile-CC (nothing was
         * written; sources compare case-insensitively)}.
         */
        static String unmatchedSourcesMessage(UnmatchedSourceException e) {
            String names = e.names().stream().map(n -> "'" + n + "'").collect(java.util.stream.Collectors.joining(", "));
            String flag = "--exclude-source " + names + ": " + (e.names().size() == 1 ? "no document has this source"
                    : "no document has these sources") + " and " + (e.names().size() == 1 ? "it is" : "none is")
                    + " not one of the Pile's sources";
            String seen = e.seen().isEmpty() ? "" : "; the input's sources are " + e.seen().stream().map(DisplayName::of)
                    .collect(java.util.stream.Collectors.joining(", "));
            String comma = e.names().stream().anyMatch(n -> n.contains(","))
                    ? "; give one source per --exclude-source (repeat the flag)" : "";
            return flag + seen + comma + " (nothing was written; names compare case-insensitively)";
        }

        /**
         * Refuses an {@code --allow-licence} value that is a comma list ({@code MIT,CC-BY-4.0}): taken as one licence
         * name it matched no document and silently excluded both licences. Licence identifiers (SPDX) hold no comma,
         * so it is refused before anything is read.
         */
        static void refuseLicenceLists(List<String> allowed) {
            List<String> lists = allowed.stream().filter(l -> l.contains(",")).map(l -> "'" + l + "'").toList();
            if (!lists.isEmpty()) {
                throw new UserError("--allow-licence " + String.join(", ", lists) + ": a licence name with a comma;"
                        + " give one licence per --allow-licence (repeat the flag: --allow-licence "
                        + java.util.Arrays.stream(allowed.stream().filter(l -> l.contains(",")).findFirst()
                                .orElseThrow().split(",")).map(String::strip).filter(n -> !n.isEmpty())
                                .collect(java.util.stream.Collectors.joining(" --allow-licence "))
                        + ") (nothing was written; names compare case-insensitively)");
            }
        }

        /** What every rank must agree on: all that shapes the dataset (threads do not). */
        private static String agreement(PrepareSettings s) {
            return String.join("|", s.out().toAbsolutePath().normalize().toString(), s.tokenizer().name(),
                    String.valueOf(s.tokenizer().vocabSize()), String.valueOf(s.seqLen()), String.valueOf(s.seed()),
                    s.splitSpec(), s.excludedSources().toString(), s.allowedLicences().toString(),
                    s.excludedWorks().toString(), s.defaultSource(), s.defaultLicence(),
                    String.valueOf(s.failOnMalformed()), String.valueOf(s.sequencesPerShard()),
                    String.valueOf(s.bucketBytes()), s.dedup().mode().flagValue(),
                    String.valueOf(s.dedup().threshold()));
        }

        /** {@code --dedup} and {@code --dedup-threshold}, checked. */
        static DedupSettings dedupSettings(String mode, Double threshold) {
            DedupMode m;
            try {
                m = DedupMode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw new UserError("--dedup: " + e.getMessage());
            }
            double t = threshold == null ? DedupSettings.DEFAULT_THRESHOLD : threshold;
            if (!(t > 0 && t <= 1)) {
                throw new UserError("--dedup-threshold must be in (0, 1], got " + threshold);
            }
            if (threshold != null && m != DedupMode.NEAR) {
                throw new UserError("--dedup-threshold applies to --dedup near only, got --dedup " + mode);
            }
            return new DedupSettings(m, t);
        }

        private static SplitAssigner splits(String spec) {
            try {
                return SplitAssigner.parse(spec);
            } catch (IllegalArgumentException e) {
                // The domain names its parameter, spec; the CLI names the flag that gave it.
                String message = e.getMessage();
                throw new UserError(message.startsWith("spec ") ? "--split " + message.substring("spec ".length())
                        : "--split: " + message);
            }
        }

        private static void closeQuietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Closing a tokenizer frees native memory; failing to do so at exit is harmless.
            }
        }
    }

    /** {@code wafer data audit}. */
    @Command(name = "audit", mixinStandardHelpOptions = true,
            description = "Is a passage (50+ words) in a prepared dataset's training split?")
    static final class Audit implements Callable<Integer>, BackendAgnostic {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "Prepared dataset directory.")
        Path dataset;
        @Option(names = "--text", required = true, paramLabel = "FILE", description = "The passage, as UTF-8 text.")
        Path text;
        @Option(names = "--json", description = "Print JSON: member, matched_fraction, documents.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(text)) {
                throw new UserError("--text " + text + ": " + dev.wafer.formats.fileio.FileKinds.whyNotAFile(text));
            }
            String passage;
            try {
                passage = Files.readString(text, StandardCharsets.UTF_8);
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new UserError("--text " + text + ": not valid UTF-8 text");
            }
            PreparedDataset.open(dataset, "--dataset"); // a missing or damaged dataset is said first
            // A short passage (an empty file included) cannot tell membership from chance: refused naming the file
            // and the words it has against the words needed.
            int words = dev.wafer.domain.data.WordShingles.countWords(
                    new dev.wafer.domain.data.TextNormaliser().normalise(passage));
            if (words < dev.wafer.domain.data.MembershipAudit.MIN_WORDS) {
                throw new UserError("--text " + text + ": the passage has " + words + " words; the audit needs at"
                        + " least " + dev.wafer.domain.data.MembershipAudit.MIN_WORDS
                        + " to tell membership from chance");
            }
            DatasetAuditor.Report r = DatasetAuditor.audit(dataset, passage);
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                ObjectNode n = JSON.createObjectNode();
                n.put("member", r.member()).put("matched_fraction", r.matchedFraction())
                        .put("any_fraction", r.anyFraction()).put("words", r.words());
                ArrayNode docs = n.putArray("documents");
                r.documents().forEach(m -> docs.addObject().put("hash", m.hash()).put("source", m.source())
                        .put("location", m.location()).put("matched_fraction", m.matchedFraction()));
                o.println(JSON.writeValueAsString(n));
            } else {
                o.printf(Locale.ROOT, "%s: %.0f%% of the passage's %d-word shingles in one training document"
                                + " (%.0f%% in any); threshold %.0f%%%n",
                        r.member() ? "PRESENT in the training split" : "NOT FOUND in the training split",
                        100 * r.matchedFraction(), dev.wafer.domain.data.MembershipAudit.SHINGLE_WORDS,
                        100 * r.anyFraction(), 100 * dev.wafer.domain.data.MembershipAudit.MEMBER_THRESHOLD);
                r.documents().forEach(m -> o.printf(Locale.ROOT, "  %5.1f%%  %s  %s  %s%n", 100 * m.matchedFraction(),
                        m.hash().substring(0, Math.min(12, m.hash().length())), DisplayName.of(m.source()), m.location()));
            }
            o.flush();
            return 0;
        }
    }
}
