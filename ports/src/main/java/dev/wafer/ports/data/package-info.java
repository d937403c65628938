/**
 * Data ports: where training documents come from (corpus readers) and where packed token sequences are
 * read from (token shards). JDK only.
 */
package dev.wafer.ports.data;
