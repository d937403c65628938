/**
 * How application code says "what the user gave us is wrong": {@link dev.wafer.formats.input.InvalidInputException}.
 *
 * <p>Readers of user-named files and parsers of flag values throw it, so the command line can report it as a
 * one-line usage error while every other exception, a plain {@link IllegalArgumentException} included, is
 * reported as a bug.
 */
package dev.wafer.formats.input;
