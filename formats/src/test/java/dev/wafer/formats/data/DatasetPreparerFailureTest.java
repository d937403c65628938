package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkMatcher;

/**
 * {@code data prepare} on a full disk: a file system that fails after N bytes stands in for one. Whichever file
 * the failure hits (shuffle scratch, a shard, documents.jsonl, the index, the manifest), the error names it, the
 * partial build is removed and the dataset prepared before is untouched.
 */
class DatasetPreparerFailureTest {
    @TempDir
    Path tmp;

    /** Real files, but writing fails with ENOSPC's message once {@code quota} bytes have been written in all. */
    private static OutputChannels fullAfter(long quota) {
        AtomicLong written = new AtomicLong();
        return file -> new QuotaChannel(OutputChannels.FILES.create(file), written, quota);
    }

    private PrepareSettings settings(Path out) {
        String split = "0.8,0.1,0.1";
        return new PrepareSettings(out, new ByteTokenizer(), 64, 3, split, SplitAssigner.parse(split),
                new ProvenanceRules(new HashSet<>(), new HashSet<>(), new WorkMatcher(List.of())), List.of(), List.of(),
                List.of(), Provenance.UNKNOWN_SOURCE, Provenance.UNKNOWN_LICENCE, false, 1, 200, 1 << 16);
    }

    private void prepare(Path out, OutputChannels channels) throws IOException {
        DatasetPreparer preparer = new DatasetPreparer(settings(out), Progress.NONE, channels);
        preparer.prepare(List.of(Inputs.sample(preparer.byteCounter())));
    }

    @Test
    void aFullDiskNamesTheFileRemovesThePartialBuildAndKeepsThePreviousDataset() throws IOException {
        Path out = tmp.resolve("ds");
        prepare(out, OutputChannels.FILES);
        byte[] manifest = Files.readAllBytes(out.resolve(DatasetLayout.MANIFEST));
        List<String> files = names(out);
        long total = 0;
        for (String f : files) {
            total += Files.size(out.resolve(f));
        }
        // Early (shuffle scratch), mid-way (shards), late (documents, index, manifest).
        for (long quota : new long[] {0, 10_000, total / 2, total - 50_000, total - 200}) {
            IOException e = assertThrows(IOException.class, () -> prepare(out, fullAfter(quota)), "quota " + quota);
            assertTrue(e instanceof FileSystemException && e.getMessage().contains("No space left on device"),
                    "quota " + quota + ": " + e);
            assertTrue(e.getMessage().contains(tmp.toString()), "names the file: " + e.getMessage());
            assertEquals(List.of("ds"), names(tmp), "quota " + quota + ": the partial build is removed");
            assertEquals(files, names(out), "quota " + quota);
            assertArrayEquals(manifest, Files.readAllBytes(out.resolve(DatasetLayout.MANIFEST)));
            PreparedDataset.open(out, "--dataset").openSplit(dev.wafer.domain.data.Split.TRAIN).close();
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A channel that refuses to write past a shared byte quota. */
    private static final class QuotaChannel implements SeekableByteChannel {
        private final SeekableByteChannel inner;
        private final AtomicLong written;
        private final long quota;

        QuotaChannel(SeekableByteChannel inner, AtomicLong written, long quota) {
            this.inner = inner;
            this.written = written;
            this.quota = quota;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (written.get() + src.remaining() > quota) {
                throw new IOException("No space left on device");
            }
            int n = inner.write(src);
            written.addAndGet(n);
            return n;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return inner.read(dst);
        }

        @Override
        public long position() throws IOException {
            return inner.position();
        }

        @Override
        public SeekableByteChannel position(long p) throws IOException {
            inner.position(p);
            return this;
        }

        @Override
        public long size() throws IOException {
            return inner.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            inner.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

}
