package dev.wafer.domain.precision;

/**
 * Dynamic loss scaling with PyTorch {@code GradScaler} semantics: the loss (in practice the backward's loss weight)
 * is multiplied by {@code scale}; before clipping and AdamW the gradients are multiplied by {@code 1/scale}. If any
 * gradient is not finite the step is skipped and the scale multiplied by {@code backoffFactor}; after
 * {@code growthInterval} consecutive finite steps it is multiplied by {@code growthFactor}. Scales stay powers of
 * two (with the default factors), so scaling and unscaling are exact in float32 except below its normal range.
 * Not thread-safe: one trainer drives it.
 */
public final class GradientScaler {
    /** PyTorch's defaults: {@code init_scale=2**16}. */
    public static final double DEFAULT_INITIAL_SCALE = 65536.0;
    /** PyTorch's default {@code growth_factor}. */
    public static final double DEFAULT_GROWTH_FACTOR = 2.0;
    /** PyTorch's default {@code backoff_factor}. */
    public static final double DEFAULT_BACKOFF_FACTOR = 0.5;
    /** PyTorch's default {@code growth_interval}. */
    public static final int DEFAULT_GROWTH_INTERVAL = 2000;

    private final boolean enabled;
    private final double growthFactor;
    private final double backoffFactor;
    private final int growthInterval;
    private double scale;
    private long growthTracker;

    private GradientScaler(boolean enabled, double initialScale, double growthFactor, double backoffFactor,
                           int growthInterval) {
        if (!(initialScale > 0) || Double.isInfinite(initialScale) || !(growthFactor > 1) || !(backoffFactor > 0)
                || !(backoffFactor < 1) || growthInterval < 1) {
            throw new IllegalArgumentException("invalid loss scaler: initial " + initialScale + ", growth "
                    + growthFactor + " every " + growthInterval + " steps, backoff " + backoffFactor);
        }
        this.enabled = enabled;
        this.growthFactor = growthFactor;
        this.backoffFactor = backoffFactor;
        this.growthInterval = growthInterval;
        this.scale = enabled ? initialScale : 1.0;
    }

    /** A scaler that does nothing: scale 1, never skips (float32 and bf16 runs). */
    public static GradientScaler disabled() {
        return new GradientScaler(false, 1.0, DEFAULT_GROWTH_FACTOR, DEFAULT_BACKOFF_FACTOR, DEFAULT_GROWTH_INTERVAL);
    }

    /** A dynamic scaler with PyTorch's defaults (65536, x2 every 2000 finite steps, x0.5 on a non-finite one). */
    public static GradientScaler dynamic() {
        return dynamic(DEFAULT_INITIAL_SCALE, DEFAULT_GROWTH_FACTOR, DEFAULT_BACKOFF_FACTOR, DEFAULT_GROWTH_INTERVAL);
    }

    /**
     * A dynamic scaler with the given settings.
     *
     * @throws IllegalArgumentException unless {@code initialScale > 0}, {@code growthFactor > 1},
     *                                  {@code 0 < backoffFactor < 1} and {@code growthInterval >= 1}
     */
    public static GradientScaler dynamic(double initialScale, double growthFactor, double backoffFactor,
                                         int growthInterval) {
        return new GradientScaler(true, initialScale, growthFactor, backoffFactor, growthInterval);
    }

    /** Whether this scaler scales at all. */
    public boolean enabled() {
        return enabled;
    }

    /** The current loss scale (1 when disabled). */
    public double scale() {
        return scale;
    }

    /** The backward's loss weight for a step: {@code weight · scale}. */
    public float scaledWeight(double weight) {
        return (float) (weight * scale);
    }

    /** The factor that turns the accumulated (scaled) gradients back into true gradients: {@code 1/scale}. */
    public float unscaleFactor() {
        return (float) (1.0 / scale);
    }

    /**
     * Records a step's outcome: a finite step counts towards growth, a non-finite one backs the scale off and
     * resets the count. Does nothing when disabled.
     */
    public void update(boolean gradientsFinite) {
        if (!enabled) {
            return;
        }
        if (!gradientsFinite) {
            scale *= backoffFactor;
            growthTracker = 0;
            return;
        }
        growthTracker++;
        if (growthTracker >= growthInterval) {
            double grown = scale * growthFactor;
            if (Double.isFinite(grown) && grown <= Float.MAX_VALUE) {
                scale = grown;
            }
            growthTracker = 0;
        }
    }

    /** The state to checkpoint. */
    public LossScaleState state() {
        return enabled ? new LossScaleState(scale, growthTracker) : LossScaleState.UNSCALED;
    }

    /**
     * Continues from a checkpoint's state.
     *
     * @throws IllegalArgumentException when a disabled scaler is given a scale other than 1
     */
    public void restore(LossScaleState state) {
        if (!enabled && !state.equals(LossScaleState.UNSCALED)) {
            throw new IllegalArgumentException("a run without loss scaling cannot restore loss scale " + state.scale());
        }
        this.scale = state.scale();
        this.growthTracker = state.growthTracker();
    }
}
