package dev.wafer.app.backend;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.wafer.ports.backend.BackendAvailability;
import dev.wafer.ports.backend.BackendProbe;

/** A backend whose probe answers whatever the test says, for machines that lack the real one. */
public final class FakeBackend extends AbstractModule implements BackendModule {
    private final String name;
    private final BackendAvailability availability;

    public FakeBackend(String name, BackendAvailability availability) {
        this.name = name;
        this.availability = availability;
    }

    public static FakeBackend available(String name) {
        return new FakeBackend(name, BackendAvailability.available("fake " + name + " device"));
    }

    public static FakeBackend unavailable(String name, String reason, String remedy) {
        return new FakeBackend(name, BackendAvailability.unavailable(reason, remedy));
    }

    @Override
    public String name() {
        return name;
    }

    @Provides
    @Override
    public BackendProbe probe() {
        return new BackendProbe() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public BackendAvailability probe() {
                return availability;
            }
        };
    }
}
