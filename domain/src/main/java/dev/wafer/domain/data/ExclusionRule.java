package dev.wafer.domain.data;

/** Why a document was left out of a dataset. */
public enum ExclusionRule {
    /** Its source was excluded ({@code --exclude-source}). */
    SOURCE,
    /** Its licence is not in the allowed list, or is unknown and unknown was not allowed. */
    LICENCE,
    /** It contains a substantial part of an excluded work. */
    WORK
}
