package dev.wafer.domain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The matcher that counts only the works a document touches decides as the one that counted every work did. */
class WorkMatcherEquivalenceTest {
    private static final long SEED = 20261208L;

    @Test
    void decisionsEqualThoseOfCountingEveryWork() {
        // A small vocabulary so that works share shingles and documents touch many works at once.
        TestText gen = new TestText(SEED, 40);
        SplittableRandom random = new SplittableRandom(SEED);
        List<String> texts = new ArrayList<>();
        List<WorkFingerprint> works = new ArrayList<>();
        for (int w = 0; w < 400; w++) {
            String text = gen.words(WorkFingerprint.SHINGLE_WORDS + random.nextInt(300));
            texts.add(text);
            works.add(WorkFingerprint.of("work-" + w, text));
        }
        WorkMatcher matcher = new WorkMatcher(works);
        int matches = 0;
        for (int d = 0; d < 1500; d++) {
            StringBuilder doc = new StringBuilder(gen.words(random.nextInt(50)));
            for (int part = random.nextInt(4); part > 0; part--) {
                String[] words = texts.get(random.nextInt(texts.size())).split(" ");
                int from = random.nextInt(words.length);
                int to = from + random.nextInt(words.length - from + 1);
                doc.append(' ').append(String.join(" ", List.of(words).subList(from, to)))
                        .append(' ').append(gen.words(random.nextInt(20)));
            }
            String text = doc.toString();
            Optional<WorkMatcher.Match> expected = reference(works, text);
            assertEquals(expected, matcher.match(text), "seed " + SEED + ", document " + d);
            matches += expected.isPresent() ? 1 : 0;
        }
        assertTrue(matches > 100 && matches < 1400, "the corpus exercises both decisions: " + matches + " matches");
    }

    @Test
    void aDocumentCostsItsShinglesNotASlotPerWork() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        SplittableRandom random = new SplittableRandom(SEED);
        List<WorkFingerprint> works = new ArrayList<>();
        for (int w = 0; w < 100_000; w++) {
            works.add(new WorkFingerprint("work-" + w, random.longs(3).sorted().toArray()));
        }
        WorkMatcher matcher = new WorkMatcher(works);
        String doc = new TestText(SEED, 5000).words(300);
        matcher.match(doc); // the thread's tally
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20; i++) {
            assertTrue(matcher.match(doc).isEmpty());
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // An int per work per document was 400 KB each; the document's own shingles are a few KB.
        assertTrue(allocated < 20 * 64 * 1024, allocated + " bytes for 20 documents");
    }

    /** The rule as it was written before: one count per work for every document, the first work over its threshold. */
    private static Optional<WorkMatcher.Match> reference(List<WorkFingerprint> works, String text) {
        Set<Long> doc = new HashSet<>();
        for (long s : new WordShingles(WorkFingerprint.SHINGLE_WORDS).distinct(text)) {
            doc.add(s);
        }
        int[] counts = new int[works.size()];
        for (int w = 0; w < works.size(); w++) {
            for (long s : works.get(w).shingles()) {
                counts[w] += doc.contains(s) ? 1 : 0;
            }
        }
        for (int w = 0; w < counts.length; w++) {
            WorkFingerprint work = works.get(w);
            if (counts[w] >= work.requiredMatches()) {
                return Optional.of(new WorkMatcher.Match(work.name(), counts[w], work.shingles().length));
            }
        }
        return Optional.empty();
    }
}
