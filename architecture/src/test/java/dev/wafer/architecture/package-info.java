/**
 * Wafer's hexagonal architecture as executable rules: ports on the JDK alone, the domain on ports
 * alone, adapters on ports and their own libraries, the file formats on ports, domain and their libraries (the
 * checkpoint format on ports alone), Guice and concrete adapters only in the app's composition root, picocli only
 * in the CLI,
 * no package cycles, no console or java.util.logging output outside the CLI. Each rule is shown to
 * fail on planted violations (package {@code fixture.wafer}) and to name only packages that exist.
 */
package dev.wafer.architecture;
