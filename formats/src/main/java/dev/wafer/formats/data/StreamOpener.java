package dev.wafer.formats.data;

import java.io.IOException;
import java.io.InputStream;

/** Opens the stored bytes of an input (a file or a classpath resource). */
@FunctionalInterface
interface StreamOpener {
    InputStream open() throws IOException;
}
