/**
 * Duplicate removal for dataset preparation: exact (equal normalised text) and near (MinHash signatures over word
 * shingles, LSH banding for candidates, verified by estimated Jaccard), deciding with bounded memory which
 * documents go; the earliest document in input order is always the one kept.
 */
package dev.wafer.domain.data.dedup;
