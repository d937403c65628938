package dev.wafer.domain.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tokenizer with one token per character and a scorer that answers from a table of known log-likelihoods, keyed
 * by the decoded (context, continuation) text. Unknown requests fail the test, so a wrongly built request shows up.
 */
final class FakeModel implements LogLikelihoodScorer {

    private final Map<String, ContinuationScore> table = new HashMap<>();
    final List<String[]> requests = new ArrayList<>();
    private final int maxLength;

    FakeModel(int maxLength) {
        this.maxLength = maxLength;
    }

    FakeModel answer(String context, String continuation, double ll, boolean greedy) {
        table.put(context + "\u0000" + continuation, new ContinuationScore(ll, greedy));
        return this;
    }

    @Override
    public ContinuationScore score(int[] context, int[] continuation) {
        assertTrue(context.length >= 1, "context must not be empty");
        assertTrue(context.length + continuation.length <= maxLength + 1, "request longer than maxLength + 1");
        String ctx = new String(context, 0, context.length);
        String cont = new String(continuation, 0, continuation.length);
        requests.add(new String[] {ctx, cont});
        ContinuationScore s = table.get(ctx + "\u0000" + cont);
        if (s == null) {
            fail("unexpected request: context=" + ctx.replace("\n", "\\n") + " | continuation=" + cont);
        }
        return s;
    }

    RequestBuilder requests() {
        return new RequestBuilder(new CharTokenizer(), maxLength, '#');
    }
}
