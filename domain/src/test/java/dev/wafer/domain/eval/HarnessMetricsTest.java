package dev.wafer.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** metrics.py (harness v0.3.0) formulas against hand computations and CPython runs of the same code. */
class HarnessMetricsTest {
    @Test
    void meanStderrIsSampleStddevOverRootN() {
        // [1,0,1,1]: mean 0.75; squared deviations 3*0.0625 + 0.5625 = 0.75; /(n-1) = 0.25; sd 0.5; /sqrt(4) = 0.25.
        double[] xs = {1, 0, 1, 1};
        assertEquals(0.75, HarnessMetrics.mean(xs), 0.0);
        assertEquals(0.5, HarnessMetrics.sampleStddev(xs), 1e-15);
        assertEquals(0.25, HarnessMetrics.meanStderr(xs), 1e-15);
        assertTrue(Double.isNaN(HarnessMetrics.meanStderr(new double[] {1})));
    }

    @Test
    void perplexityIsPerDocument() {
        // exp(-mean([-1, -3])) = e^2.
        assertEquals(Math.exp(2), HarnessMetrics.perplexity(new double[] {-1, -3}), 1e-12);
    }

    @Test
    void bootstrapEqualsTheHarnessRunInCPython() {
        // Expected values: CPython 3.11 running the harness's own metrics.py (62ca184) functions, extracted unchanged:
        // bootstrap_stderr's body without the process pool (imap keeps chunk order), i.e.
        //   res = []; for b in map(_bootstrap_internal(f, 1000), [(i, xs) for i in range(iters // 1000)]): res.extend(b)
        //   sample_stddev(res)
        // where _bootstrap_internal seeds random.Random(i) per chunk and draws rnd.choices(xs, k=len(xs)).
        double[] lls = {-1.5, -0.25, -3.0, -2.125, -0.5};
        assertEquals(4.371035772929758, HarnessMetrics.perplexity(lls), 1e-15);
        assertEquals(2.372142767851026, HarnessMetrics.bootstrapStderr(HarnessMetrics::perplexity, lls, 3000), 1e-12);
        assertEquals(0.1895604131895527,
                HarnessMetrics.bootstrapStderr(HarnessMetrics::mean, new double[] {1, 0, 1, 1, 0, 0, 1}, 2000), 1e-14);
    }
}
