package dev.wafer.domain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Measures the audit on held-out passages from a synthetic corpus: 300 passages present verbatim, 300 present
 * but lightly edited (3 word substitutions plus case, punctuation and whitespace changes), 300 absent (from
 * documents that were not indexed, drawn from the same word distribution).
 */
class MembershipAuditTest {
    private static final long SEED = 99L;
    private static final int DOCS = 400;

    @Test
    void recallAndFalsePositiveRateOnHeldOutPassages(org.junit.jupiter.api.TestReporter reporter) {
        TestText gen = new TestText(SEED, 8000);
        List<String> train = new ArrayList<>();
        List<String> heldOut = new ArrayList<>();
        for (int i = 0; i < DOCS; i++) {
            train.add(gen.words(400 + gen.nextInt(800)));
            heldOut.add(gen.words(400 + gen.nextInt(800)));
        }
        ShingleTable.Builder b = new ShingleTable.Builder();
        WordShingles sh = new WordShingles(MembershipAudit.SHINGLE_WORDS);
        for (int id = 0; id < train.size(); id++) {
            for (long s : sh.distinct(train.get(id))) {
                b.add(s, id);
            }
        }
        MembershipAudit audit = new MembershipAudit(b.build());
        int n = 300;
        int verbatimHits = 0;
        int editedHits = 0;
        int falsePositives = 0;
        int correctDoc = 0;
        for (int k = 0; k < n; k++) {
            int d = gen.nextInt(DOCS);
            String passage = passage(gen, train.get(d));
            MembershipAudit.Result r = audit.audit(passage);
            verbatimHits += r.member() ? 1 : 0;
            correctDoc += !r.documents().isEmpty() && r.documents().get(0).documentId() == d ? 1 : 0;
            editedHits += audit.audit(gen.lightlyEdit(passage(gen, train.get(d)), 3)).member() ? 1 : 0;
            falsePositives += audit.audit(passage(gen, heldOut.get(gen.nextInt(DOCS)))).member() ? 1 : 0;
        }
        double recall = (verbatimHits + editedHits) / (2.0 * n);
        double editedRecall = editedHits / (double) n;
        double fpr = falsePositives / (double) n;
        String figures = String.format("seed %d: recall verbatim %d/%d, edited %d/%d (%.3f overall), false positives %d/%d (%.3f), "
                + "best document correct %d/%d", SEED, verbatimHits, n, editedHits, n, recall, falsePositives, n, fpr, correctDoc, n);
        reporter.publishEntry("membership audit", figures);
        assertTrue(recall >= 0.99, figures);
        assertTrue(editedRecall >= 0.99, figures);
        assertTrue(fpr <= 0.01, figures);
        assertEquals(n, correctDoc, figures);
    }

    @Test
    void shortPassagesAreRefused() {
        MembershipAudit audit = new MembershipAudit(new ShingleTable.Builder().build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> audit.audit(new TestText(SEED, 100).words(49)));
        assertTrue(e.getMessage().contains("49 words"), e.getMessage());
        assertFalse(audit.audit(new TestText(SEED, 100).words(50)).member());
    }

    /** 50 to 120 consecutive words of a document. */
    private static String passage(TestText gen, String doc) {
        String[] words = doc.split(" ");
        int len = 50 + gen.nextInt(71);
        int start = gen.nextInt(words.length - len);
        return String.join(" ", java.util.Arrays.copyOfRange(words, start, start + len));
    }
}
