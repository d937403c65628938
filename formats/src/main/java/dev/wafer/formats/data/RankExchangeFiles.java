package dev.wafer.formats.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.prepare.AuditRuns;
import dev.wafer.ports.data.prepare.PassOneRecord;
import dev.wafer.ports.data.prepare.RankExchange;
import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.SortedPairCursor;

/**
 * The pass-1 results of a multi-rank {@code data prepare} as files in one directory that every rank sees (inside
 * the dataset's build directory, so a failed or killed run's leftovers go with it): {@code rank-R.pass1} per rank,
 * a tagged binary stream after an 8-byte magic, {@code rank-R.shuffle/} the rank's own shuffle buckets
 * ({@link ShuffleBucketFiles}, holding its kept documents' tokens), {@code rank-R.audit/} its sorted audit runs
 * ({@link RankAuditRunFiles}), and {@code rank-R.failed} (UTF-8 text) for a rank that failed. A
 * writer flushes and syncs on close, so rank 0 reads complete files after the ranks have synchronised, also on a
 * network file system with close-to-open consistency.
 */
final class RankExchangeFiles implements RankExchange {
    private static final byte[] MAGIC = "WAFRPS4\n".getBytes(StandardCharsets.US_ASCII);
    private static final int BEGIN = 1;
    private static final int KEPT = 2;
    private static final int EXCLUDED = 3;
    private static final int MALFORMED = 4;
    private static final int FAILED = 5;
    private static final int END = 6;
    private static final int BUFFER = 1 << 20;

    private final Path dir;

    /** @param dir the directory, created by rank 0 before any rank writes */
    RankExchangeFiles(Path dir) {
        this.dir = dir;
    }

    private Path stream(int rank) {
        return dir.resolve("rank-" + rank + ".pass1");
    }

    private Path failed(int rank) {
        return dir.resolve("rank-" + rank + ".failed");
    }

    @Override
    public Writer writer(int rank) throws IOException {
        Path file = stream(rank);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            // Travels to rank 0 as text: the reason must be in the words, not in the exception's type.
            throw new IOException("cannot write " + file + ": " + IoFailures.reason(e), e);
        }
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER));
        out.write(MAGIC);
        return new Writer() {
            @Override
            public void write(PassOneRecord record) throws IOException {
                try {
                    RankExchangeFiles.write(out, record);
                } catch (IOException e) {
                    throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void close() throws IOException {
                try (channel; out) {
                    out.flush();
                    channel.force(true);
                }
            }
        };
    }

    private static void write(DataOutputStream out, PassOneRecord record) throws IOException {
        switch (record) {
            case PassOneRecord.Begin b -> {
                out.writeByte(BEGIN);
                out.writeInt(b.input());
            }
            case PassOneRecord.Kept k -> {
                out.writeByte(KEPT);
                strings(out, k.source(), k.licence(), k.hash(), k.location(), k.split());
                out.writeLong(k.textBytes());
                out.writeInt(k.tokenCount());
                out.writeInt(k.tokens() == null ? -1 : k.tokens().length);
                if (k.tokens() != null) {
                    ByteBuffer tokens = ByteBuffer.allocate(4 * k.tokens().length);
                    tokens.asIntBuffer().put(k.tokens());
                    out.write(tokens.array());
                }
                long[] shingles = k.shingles();
                out.writeInt(shingles == null ? -1 : shingles.length);
                if (shingles != null) {
                    ByteBuffer b = ByteBuffer.allocate(8 * shingles.length);
                    b.asLongBuffer().put(shingles);
                    out.write(b.array());
                }
                int[] signature = k.signature();
                out.writeInt(signature == null ? -1 : signature.length);
                if (signature != null) {
                    ByteBuffer b = ByteBuffer.allocate(4 * signature.length);
                    b.asIntBuffer().put(signature);
                    out.write(b.array());
                }
            }
            case PassOneRecord.Excluded x -> {
                out.writeByte(EXCLUDED);
                strings(out, x.source(), x.licence(), x.hash(), x.location(), x.rule(), x.detail());
                out.writeLong(x.textBytes());
            }
            case PassOneRecord.Malformed m -> {
                out.writeByte(MALFORMED);
                strings(out, m.record().location(), m.record().reason());
            }
            case PassOneRecord.Failed f -> {
                out.writeByte(FAILED);
                strings(out, f.message());
            }
            case PassOneRecord.End e -> {
                out.writeByte(END);
                out.writeLong(e.documents());
                out.writeLong(e.kept());
                out.writeLong(e.train());
                out.writeLong(e.keptTextBytes());
                strings(out, e.sha256() == null ? "" : e.sha256());
            }
        }
    }

    private static void strings(DataOutputStream out, String... values) throws IOException {
        for (String v : values) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }
    }

    @Override
    public Reader reader(int rank) throws IOException {
        Path file = stream(rank);
        InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, BUFFER));
        byte[] magic = new byte[MAGIC.length];
        try {
            in.readFully(magic);
        } catch (EOFException e) {
            in.close();
            throw new IOException(file + ": not a pass-1 results file (too short)");
        }
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            in.close();
            throw new IOException(file + ": not a pass-1 results file (wrong magic)");
        }
        return new Reader() {
            @Override
            public Optional<PassOneRecord> next() throws IOException {
                int tag = in.read();
                if (tag < 0) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(read(in, tag));
                } catch (EOFException e) {
                    throw new IOException(file + ": truncated in a record of type " + tag);
                }
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    private static PassOneRecord read(DataInputStream in, int tag) throws IOException {
        return switch (tag) {
            case BEGIN -> new PassOneRecord.Begin(in.readInt());
            case KEPT -> {
                String source = string(in);
                String licence = string(in);
                String hash = string(in);
                String location = string(in);
                String split = string(in);
                long textBytes = in.readLong();
                int tokenCount = in.readInt();
                int t = in.readInt();
                int[] tokens = t < 0 ? null : new int[length(t)];
                if (tokens != null) {
                    ByteBuffer.wrap(bytes(in, 4L * tokens.length)).asIntBuffer().get(tokens);
                }
                int n = in.readInt();
                long[] shingles = n < 0 ? null : new long[length(n)];
                if (shingles != null) {
                    ByteBuffer.wrap(bytes(in, 8L * shingles.length)).asLongBuffer().get(shingles);
                }
                int m = in.readInt();
                int[] signature = m < 0 ? null : new int[length(m)];
                if (signature != null) {
                    ByteBuffer.wrap(bytes(in, 4L * signature.length)).asIntBuffer().get(signature);
                }
                yield new PassOneRecord.Kept(source, licence, hash, location, split, tokens, shingles, textBytes,
                        signature, tokenCount);
            }
            case EXCLUDED -> new PassOneRecord.Excluded(string(in), string(in), string(in), string(in), string(in),
                    string(in), in.readLong());
            case MALFORMED -> new PassOneRecord.Malformed(new MalformedRecord(string(in), string(in)));
            case FAILED -> new PassOneRecord.Failed(string(in));
            case END -> new PassOneRecord.End(in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    emptyAsNull(string(in)));
            default -> throw new IOException("unknown record type " + tag + " in pass-1 results");
        };
    }

    private static int length(int n) throws IOException {
        if (n < 0) {
            throw new IOException("negative length " + n + " in pass-1 results");
        }
        return n;
    }

    private static byte[] bytes(DataInputStream in, long n) throws IOException {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IOException("a record of " + n + " bytes in pass-1 results");
        }
        byte[] b = new byte[(int) n];
        in.readFully(b);
        return b;
    }

    private static String emptyAsNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static String string(DataInputStream in) throws IOException {
        byte[] b = new byte[length(in.readInt())];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public ShuffleSpill shuffleSpill(int rank, int buckets, int vocabSize) throws IOException {
        return new ShuffleBucketFiles(OutputChannels.FILES, dir.resolve("rank-" + rank + ".shuffle"), buckets,
                vocabSize);
    }

    private Path auditDir(int rank) {
        return dir.resolve("rank-" + rank + ".audit");
    }

    @Override
    public AuditRuns auditRuns(int rank) {
        return new RankAuditRunFiles(auditDir(rank));
    }

    @Override
    public List<SortedPairCursor> auditPairs(int rank) throws IOException {
        return auditPairs(rank, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @Override
    public List<SortedPairCursor> auditPairs(int rank, long fromKey, long toKey) throws IOException {
        List<SortedPairCursor> cursors = new ArrayList<>();
        try {
            for (Path run : SortedPairRuns.runFiles(auditDir(rank))) {
                cursors.add(new RunFileCursor(run, fromKey, toKey));
            }
        } catch (IOException | RuntimeException e) {
            for (SortedPairCursor c : cursors) {
                c.close();
            }
            throw e;
        }
        return cursors;
    }

    private Path kept(int rank) {
        return dir.resolve("rank-" + rank + ".kept");
    }

    /** One line per source: the name's length in UTF-16 units, a space, the name, documents and tokens. */
    @Override
    public void writeKeptBySource(int rank, Map<String, long[]> keptBySource) throws IOException {
        StringBuilder text = new StringBuilder();
        keptBySource.forEach((source, c) -> text.append(source.length()).append(' ').append(source).append(' ')
                .append(c[0]).append(' ').append(c[1]).append('\n'));
        try (FileChannel ch = FileChannel.open(kept(rank), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            DatasetFiles.writeFully(kept(rank), ch, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
    }

    @Override
    public Map<String, long[]> keptBySource(int rank) throws IOException {
        String text = Files.readString(kept(rank));
        Map<String, long[]> counts = new TreeMap<>();
        int at = 0;
        while (at < text.length()) {
            int space = text.indexOf(' ', at);
            int length = Integer.parseInt(text.substring(at, space));
            String source = text.substring(space + 1, space + 1 + length);
            int end = text.indexOf('\n', space + 1 + length);
            String[] numbers = text.substring(space + 2 + length, end).split(" ");
            counts.put(source, new long[] {Long.parseLong(numbers[0]), Long.parseLong(numbers[1])});
            at = end + 1;
        }
        return counts;
    }

    @Override
    public void recordFailure(int rank, String message) {
        try {
            Files.writeString(failed(rank), message);
        } catch (IOException | RuntimeException e) {
            // Best effort: rank 0 still learns of the failure through the collective, just without the reason.
        }
    }

    @Override
    public Optional<String> failure(int rank) {
        try {
            return Files.exists(failed(rank)) ? Optional.of(Files.readString(failed(rank))) : Optional.empty();
        } catch (IOException e) {
            return Optional.of("(its reason could not be read: " + e.getMessage() + ")");
        }
    }

    @Override
    public void close() throws IOException {
        DatasetFiles.deleteTree(dir);
    }
}
