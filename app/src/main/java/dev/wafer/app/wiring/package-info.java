/**
 * The composition root's choice of adapters that are not compute backends: which checkpoint store, tokenizers and
 * dataset preparer the commands get (the backends are chosen in {@code dev.wafer.app.backend}).
 */
package dev.wafer.app.wiring;
