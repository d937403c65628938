/**
 * Wafer's domain: models, parameterisations, schedules, optimizer, training, evaluation, the memorization audit and
 * the paper's planning arithmetic. Depends only on {@code dev.wafer.ports} and the JDK.
 */
package dev.wafer.domain;
