package dev.wafer.domain.eval.harness;

import dev.wafer.domain.eval.CrowsPairsDoc;

/** crowspairs.py {@code CrowsPairsEnglish}: each pair scored as two whole sentences after end-of-text. */
public final class CrowsPairsEnglish {
    private CrowsPairsEnglish() {
    }

    /** The document of one pair. */
    public static CrowsPairsDoc doc(String sentMore, String sentLess, String biasType) {
        return new CrowsPairsDoc(sentMore, sentLess, biasType);
    }
}
