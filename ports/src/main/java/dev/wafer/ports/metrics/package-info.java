/**
 * Where training metrics go: the domain's trainer reports each step to a
 * {@link dev.wafer.ports.metrics.MetricsSink}, which the app connects to a progress bar, JSON lines or a file.
 */
package dev.wafer.ports.metrics;
