/**
 * Ports of dataset preparation: where the preparation use case spills documents between its two passes
 * ({@link dev.wafer.ports.data.prepare.ShuffleSpill}), where a prepared dataset goes (token shards, the list of
 * packed documents and the membership-audit index: {@link dev.wafer.ports.data.prepare.PreparedDatasetStore})
 * and how it reports progress. Contracts only, JDK only: the file formats implement them in the application.
 */
package dev.wafer.ports.data.prepare;
