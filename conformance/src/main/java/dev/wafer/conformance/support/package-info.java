/** Helpers of the contract suite: seeds, fixtures, tolerant comparison, finite differences. */
package dev.wafer.conformance.support;
