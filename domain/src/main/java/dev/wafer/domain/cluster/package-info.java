/**
 * What the ranks of a data-parallel job must agree on before they work: {@link dev.wafer.domain.cluster.RunAgreement}
 * checks that every rank resolved the same run or the same preparation, over the
 * {@link dev.wafer.ports.collective.Collective} port, so a rank that differs refuses to start instead of silently
 * computing something else.
 */
package dev.wafer.domain.cluster;
