package dev.wafer.conformance.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** Verdicts survive a trip through text, and a check fails where any rank failed it or said nothing. */
class RankVerdictsTest {
    @Test
    void aVerdictLineReadsBackAsTheVerdict() {
        Verdict pass = new Verdict("floatSumIsElementWise", 1, null);
        Verdict fail = new Verdict("barrierWaitsForTheLastRank", 0, "left early\n  after 3 ms (seed 7)");
        assertEquals(pass, Verdict.parse(1, pass.line()));
        assertEquals(new Verdict(fail.check(), 0, "left early after 3 ms (seed 7)"), Verdict.parse(0, fail.line()));
        assertThrows(IllegalArgumentException.class, () -> Verdict.parse(0, "Exception in thread main"));
    }

    @Test
    void aCheckFailsWhereOneRankFailedOrWasSilent() throws Throwable {
        List<Verdict> verdicts = new ArrayList<>();
        for (CollectiveCheck check : CollectiveChecks.all()) {
            verdicts.add(new Verdict(check.name(), 0, null));
            if (!check.name().equals("ranksCoverTheRun")) {
                verdicts.add(new Verdict(check.name(), 1, check.name().equals("zeroCountChangesNothing")
                        ? "changed (seed 3)" : null));
            }
        }
        List<String> failed = new ArrayList<>();
        for (DynamicTest t : RankVerdicts.perCheck(2, verdicts).toList()) {
            try {
                t.getExecutable().execute();
            } catch (AssertionFailedError e) {
                failed.add(t.getDisplayName() + ": " + e.getMessage());
            }
        }
        assertEquals(2, failed.size(), failed::toString);
        assertTrue(failed.get(0).startsWith("ranksCoverTheRun: ") && failed.get(0).contains("rank 1 reported 0"),
                failed::toString);
        assertTrue(failed.get(1).startsWith("zeroCountChangesNothing: ") && failed.get(1).contains("(seed 3)"),
                failed::toString);
    }
}
