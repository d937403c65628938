/**
 * Helpers of the backend suite: the runs it compares (built through
 * {@link dev.wafer.domain.session.ModelAssembly} and {@link dev.wafer.domain.session.TrainingSession}), resumable
 * in-memory batch sources and seeded text data. Nothing here names a concrete backend.
 */
package dev.wafer.suite.support;
