/** The {@code wafer} command line: picocli commands that call domain use cases and print tables or JSON. */
package dev.wafer.app.cli;
