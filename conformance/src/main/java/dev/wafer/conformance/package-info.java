/**
 * The backend contract suite: JUnit 5 interfaces with {@code @Test} default methods that every compute backend
 * runs by implementing {@link dev.wafer.conformance.ComputeBackendContract} in one small test class, plus the
 * one table of numeric tolerances ({@link dev.wafer.conformance.Tolerances}).
 */
package dev.wafer.conformance;
