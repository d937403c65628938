/**
 * Wafer's ports: the compute and IO interfaces the domain depends on. JDK only; adapters implement them.
 */
package dev.wafer.ports;
