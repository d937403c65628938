/**
 * The dataset-preparation use case ({@link dev.wafer.domain.data.prepare.DatasetPreparation}): parallel document
 * processing in input order, external shuffle, split and packing, and the report a manifest is made from. It
 * reads corpora and writes datasets only through the ports of {@code dev.wafer.ports.data} and
 * {@code dev.wafer.ports.data.prepare}.
 */
package dev.wafer.domain.data.prepare;
