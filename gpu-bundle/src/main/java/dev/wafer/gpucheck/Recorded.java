package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A phase's result that knows how the report shows it. */
interface Recorded {

    /** Writes the details into the phase's object and returns its status ({@link Report#OK}, "failed", ...). */
    String record(ObjectNode phase);
}
