/**
 * Parameterisations (SP and Cerebras muP): the one object that answers initialisation, forward multipliers and
 * per-tensor learning-rate multipliers, so no other code asks which parameterisation is in use.
 */
package dev.wafer.domain.param;
