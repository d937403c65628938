// Time per sampled token over GPT-2's vocabulary (docs/benchmarks.md, "Scaling fixes"):
// java -cp app/target/wafer.jar bin/scaling-bench/SampleBench.java
import dev.wafer.domain.generate.LogitsSampler;
import dev.wafer.domain.generate.SamplingSettings;
import java.util.SplittableRandom;

/** Time per sampled token over a 50,257-token vocabulary. */
public class SampleBench {
    public static void main(String[] args) {
        SplittableRandom r = new SplittableRandom(1);
        float[][] logits = new float[64][50_257];
        for (float[] l : logits) for (int i = 0; i < l.length; i++) l[i] = (float) r.nextGaussian() * 3;
        SamplingSettings[] settings = {new SamplingSettings(0, 0, 1, 1), new SamplingSettings(1, 0, 1, 1),
            new SamplingSettings(0.8, 40, 1, 1), new SamplingSettings(0.8, 0, 0.9, 1), new SamplingSettings(0.8, 40, 0.9, 1)};
        for (SamplingSettings s : settings) {
            LogitsSampler sampler = new LogitsSampler(s);
            double best = Double.MAX_VALUE;
            long sum = 0;
            for (int rep = 0; rep < 6; rep++) {
                long t = System.nanoTime();
                for (int i = 0; i < 200; i++) sum += sampler.sample(logits[i % logits.length]);
                double ms = (System.nanoTime() - t) / 1e6 / 200;
                if (rep >= 2) best = Math.min(best, ms);
            }
            System.out.printf("T %.1f top-k %d top-p %.1f: %.3f ms/token (best of 4 after warm-up; checksum %d)%n",
                    s.temperature(), s.topK(), s.topP(), best, sum);
        }
    }
}
