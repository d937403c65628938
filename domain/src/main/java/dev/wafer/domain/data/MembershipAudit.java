package dev.wafer.domain.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers whether a passage is in a dataset's training split, from an index of the training documents' word
 * {@value #SHINGLE_WORDS}-gram shingles built at preparation time (no scan of the corpus per query).
 *
 * <p>The passage (at least {@value #MIN_WORDS} words) is shingled exactly like the documents. For each training
 * document the audit counts the passage's distinct shingles it contains; the passage is a member when one
 * document contains at least {@value #MEMBER_THRESHOLD} of them. Why 0.3: a verbatim passage matches 1.0 and each
 * edited word removes at most {@value #SHINGLE_WORDS} shingles, so a 50-word passage (43 shingles) with three
 * scattered word edits still matches at least 19/43 = 0.44; unrelated text matches 8-word sequences only by rare
 * coincidence (fixed phrases), far below 0.3.
 */
public final class MembershipAudit {
    /** Words per shingle in the audit index. */
    public static final int SHINGLE_WORDS = 8;
    /** Shortest passage the audit answers for. */
    public static final int MIN_WORDS = 50;
    /** Share of the passage's shingles one document must contain for the passage to count as present. */
    public static final double MEMBER_THRESHOLD = 0.3;
    /** Matching documents reported at most. */
    public static final int MAX_REPORTED = 10;

    private final ShingleLookup index;
    private final WordShingles shingler = WordShingles.letterwise(SHINGLE_WORDS);

    /**
     * An audit that looks shingles up in {@code index}.
     *
     * @param index shingle to training-document ids
     */
    public MembershipAudit(ShingleLookup index) {
        this.index = index;
    }

    /**
     * Audits one passage.
     *
     * @param passage normalised text of at least {@value #MIN_WORDS} words
     * @throws IllegalArgumentException when the passage is too short
     */
    public Result audit(String passage) {
        int words = WordShingles.countWords(passage);
        if (words < MIN_WORDS) {
            throw new IllegalArgumentException("the passage has " + words + " words; the audit needs at least "
                    + MIN_WORDS + " to tell membership from chance");
        }
        long[] shingles = shingler.distinct(passage);
        Map<Integer, int[]> perDoc = new HashMap<>();
        int anyMatch = 0;
        for (long s : shingles) {
            boolean[] hit = {false};
            index.forEachId(s, id -> {
                perDoc.computeIfAbsent(id, k -> new int[1])[0]++;
                hit[0] = true;
            });
            if (hit[0]) {
                anyMatch++;
            }
        }
        List<DocumentMatch> matches = new ArrayList<>();
        perDoc.forEach((id, c) -> matches.add(new DocumentMatch(id, c[0], (double) c[0] / shingles.length)));
        matches.sort(Comparator.comparingInt(DocumentMatch::matchedShingles).reversed()
                .thenComparingInt(DocumentMatch::documentId));
        double best = matches.isEmpty() ? 0 : matches.get(0).fraction();
        return new Result(best >= MEMBER_THRESHOLD, best, (double) anyMatch / shingles.length, words,
                shingles.length, List.copyOf(matches.subList(0, Math.min(MAX_REPORTED, matches.size()))));
    }

    /**
     * A training document that shares shingles with the passage.
     *
     * @param documentId       the document's id in the index
     * @param matchedShingles  passage shingles found in it
     * @param fraction         matchedShingles / passage shingles
     */
    public record DocumentMatch(int documentId, int matchedShingles, double fraction) {
    }

    /**
     * The audit's answer.
     *
     * @param member           true when the best document matches at least {@value #MEMBER_THRESHOLD}
     * @param matchedFraction  share of the passage's shingles found in the best-matching document
     * @param anyFraction      share of the passage's shingles found in any training document
     * @param words            words in the passage
     * @param shingles         distinct shingles in the passage
     * @param documents        best-matching documents, at most {@value #MAX_REPORTED}
     */
    public record Result(boolean member, double matchedFraction, double anyFraction, int words, int shingles,
                         List<DocumentMatch> documents) {
    }
}
