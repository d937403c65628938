/**
 * The contract suite of the {@link dev.wafer.ports.collective.Collective} port: the properties the domain relies on
 * (element-wise sums that every rank receives bit for bit, the same on every call; one rank's value arriving
 * exactly where the others hold zero; broadcast; barrier; rank and size; ranges checked before communicating), as
 * seeded checks that every rank of a run executes in the same order.
 *
 * <p>One process runs them as JUnit tests by implementing {@link dev.wafer.conformance.collective.CollectiveContract};
 * a run of several ranks calls {@link dev.wafer.conformance.collective.CollectiveChecks#runAll} on every rank (threads
 * of {@link dev.wafer.conformance.collective.ThreadRanks}, or processes under {@code mpirun}) and turns the ranks'
 * verdicts into one test per check with {@link dev.wafer.conformance.collective.RankVerdicts}.
 */
package dev.wafer.conformance.collective;
