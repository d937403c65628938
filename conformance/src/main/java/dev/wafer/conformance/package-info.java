/**
 * The backend contract suite: JUnit 5 interfaces with {@code @Test} default methods that every compute backend
 * runs by implementing {@link dev.wafer.conformance.ComputeBackendContract} in one small test class. The one
 * table of numeric tolerances is {@link dev.wafer.conformance.tolerance.Tolerances}.
 */
package dev.wafer.conformance;
