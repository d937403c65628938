package dev.wafer.gpucheck;

/** One test's result as the report lists it: its display path, status and the reason or failure message. */
record TestOutcome(String test, Status status, String detail) {

    /** How a test ended. */
    enum Status { PASSED, FAILED, SKIPPED }
}
