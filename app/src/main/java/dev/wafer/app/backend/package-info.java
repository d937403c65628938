/**
 * The composition root's view of compute backends: one Guice module per backend, the catalogue of
 * all of them, and the selection of one by configuration ({@code --backend}, {@code WAFER_BACKEND},
 * default {@code cpu}). Adapters know nothing of Guice; this package is where they are wired in.
 */
package dev.wafer.app.backend;
