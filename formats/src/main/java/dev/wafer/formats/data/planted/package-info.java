/**
 * A synthetic Pile-style corpus with planted near duplicates and a truth file ({@code wafer data plant-duplicates}),
 * and the score of a deduplicated dataset against that truth ({@code wafer data score-duplicates}): how the
 * deduplication of {@code data prepare} is measured.
 */
package dev.wafer.formats.data.planted;
