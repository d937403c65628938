/** Where training metrics go: a sink that the app connects to a progress bar, JSON lines or a file. */
package dev.wafer.ports.metrics;
