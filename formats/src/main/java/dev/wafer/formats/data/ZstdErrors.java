package dev.wafer.formats.data;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdIOException;

/**
 * Words a zstd decoder error: only errors that say the stored bytes are wrong are called corrupt; a frame the decoder
 * will not decode (a window past {@link InputStreams#WINDOW_LOG_MAX}) or memory it could not get is no damage to the
 * file, and "corrupt" sent users to re-download a valid one.
 */
final class ZstdErrors {
    private ZstdErrors() {
    }

    /**
     * E.g. {@code corrupt zstd stream after line 3: Data corruption detected}.
     *
     * @param where where in the file, e.g. {@code after line 3}
     */
    static String describe(ZstdIOException e, String where) {
        long code = e.getErrorCode();
        if (code == Zstd.errFrameParameterWindowTooLarge()) {
            return "the zstd frame " + where + " needs a window over 2^" + InputStreams.WINDOW_LOG_MAX + " bytes, more"
                    + " than this reader decodes (recompress it with a smaller --long)";
        }
        if (code == Zstd.errMemoryAllocation()) {
            return "the zstd decoder could not allocate memory for the frame " + where + ": " + e.getMessage();
        }
        if (code == Zstd.errCorruptionDetected() || code == Zstd.errChecksumWrong() || code == Zstd.errPrefixUnknown()
                || code == Zstd.errSrcSizeWrong() || code == Zstd.errDictionaryCorrupted()
                || code == Zstd.errVersionUnsupported() || code == Zstd.errFrameParameterUnsupported()) {
            return "corrupt zstd stream " + where + ": " + e.getMessage();
        }
        return "zstd decoding failed " + where + ": " + e.getMessage();
    }
}
