// Per-document CPU of WorkMatcher.match with many works (docs/benchmarks.md, "Scaling fixes"):
// java -cp app/target/wafer.jar bin/scaling-bench/WorkBench.java 16000
import dev.wafer.domain.data.WorkFingerprint;
import dev.wafer.domain.data.WorkMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Per-document cost of WorkMatcher.match with 16,000 works, documents that match none. */
public class WorkBench {
    public static void main(String[] args) {
        int works = Integer.parseInt(args[0]);
        SplittableRandom r = new SplittableRandom(1);
        List<WorkFingerprint> fps = new ArrayList<>();
        for (int w = 0; w < works; w++) {
            long[] s = r.longs(200).sorted().toArray();
            fps.add(new WorkFingerprint("w" + w, s));
        }
        WorkMatcher m = new WorkMatcher(fps);
        String[] docs = new String[1000];
        for (int d = 0; d < docs.length; d++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 100; i++) b.append("word").append(r.nextInt(5000)).append(' ');
            docs[d] = b.toString();
        }
        WorkMatcher one = new WorkMatcher(fps.subList(0, 1));
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double bestMany = 1e9, bestOne = 1e9;
        int hits = 0;
        for (int rep = 0; rep < 10; rep++) {
            long t = mx.getCurrentThreadCpuTime();
            for (int k = 0; k < 5; k++) for (String d : docs) hits += m.match(d).isPresent() ? 1 : 0;
            long t2 = mx.getCurrentThreadCpuTime();
            for (int k = 0; k < 5; k++) for (String d : docs) hits += one.match(d).isPresent() ? 1 : 0;
            long t3 = mx.getCurrentThreadCpuTime();
            if (rep >= 3) {
                bestMany = Math.min(bestMany, (t2 - t) / 1e3 / (5 * docs.length));
                bestOne = Math.min(bestOne, (t3 - t2) / 1e3 / (5 * docs.length));
            }
        }
        System.out.printf("CPU per document (best of 7): %d works %.1f us, 1 work %.1f us, difference %.1f us (%d hits)%n",
                works, bestMany, bestOne, bestMany - bestOne, hits);
    }
}
