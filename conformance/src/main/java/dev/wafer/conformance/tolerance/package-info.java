/**
 * The one table of numeric tolerances ({@link dev.wafer.conformance.tolerance.Tolerances}) of the kernel contracts,
 * the golden tests and the model-level backend suite, each with its reason. A leaf package, so that the contracts and
 * their support classes both use it without depending on each other in a cycle.
 */
package dev.wafer.conformance.tolerance;
