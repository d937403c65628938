package dev.wafer.app.backend;

import com.google.inject.Module;
import dev.wafer.ports.backend.BackendProbe;

/**
 * A Guice module that wires one compute backend, plus what start-up needs to know about it before
 * building an injector: its name and a fresh probe. Implementations bind the backend's ports and
 * contain no conditional logic; whether the backend can run is decided outside, by probing.
 */
public interface BackendModule extends Module {

    /** The name users select the backend by; the same as its probe's name. */
    String name();

    /** A new probe of this backend; implementations also provide it to the injector. */
    BackendProbe probe();
}
