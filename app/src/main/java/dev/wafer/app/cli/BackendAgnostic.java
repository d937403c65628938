package dev.wafer.app.cli;

/**
 * Marks a command that does not compute on the selected backend, so start-up does not require that
 * backend to be available: help, and {@code wafer backends}, which must work precisely when the
 * configured backend does not. Such a command refuses an explicit {@code --backend} (it would have no effect);
 * {@code WAFER_BACKEND} in the environment stays harmless.
 */
interface BackendAgnostic {
}
