package dev.wafer.adapters.cuda;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that runs the CUDA backend against stand-ins on the host in place of a GPU: the CUDA simulator, the
 * stand-in driver, fake native libraries or the recording device. CI runs it on every build. The GPU check leaves it
 * out: on a GPU machine it would check nothing CI has not, and it would spend the device's scarce minutes (the
 * simulated suites take minutes). The bundle's tests check that every test class using a stand-in carries it, and
 * that no other does.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag(HostOnly.TAG)
public @interface HostOnly {
    /** The JUnit tag the GPU check excludes. */
    String TAG = "host-only";
}
