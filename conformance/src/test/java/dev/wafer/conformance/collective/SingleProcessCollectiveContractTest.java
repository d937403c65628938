package dev.wafer.conformance.collective;

import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.SingleProcess;

/** The collective contract on the port's own one-process collective. */
class SingleProcessCollectiveContractTest implements CollectiveContract {
    @Override
    public Collective collective() {
        return SingleProcess.instance();
    }
}
