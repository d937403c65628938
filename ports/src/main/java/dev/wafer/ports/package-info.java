/**
 * Wafer's ports: contracts only, no maths. The compute and IO interfaces the domain depends on, plus the few
 * contracts adapters implement for the composition root (backend probes and factories). JDK only; adapters
 * implement them.
 */
package dev.wafer.ports;
