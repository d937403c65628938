package dev.wafer.formats.data;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import dev.wafer.ports.text.Tokenizer;

/**
 * GPT-2 byte-level BPE through jtokkit's r50k encoding, which has exactly GPT-2's 50,257 ids. jtokkit refuses
 * special tokens inside text, so the literal {@code <|endoftext|>} is split out here and mapped to 50256. Text is
 * split into GPT-2's pieces here ({@link R50kSplitter}) and each piece's BPE is cached per thread
 * ({@link BpePieceCache}); a piece not seen recently is merged by {@link R50kBpe} with jtokkit's ranks (very long
 * pieces by jtokkit itself), with the same ids as jtokkit gives for the whole text.
 */
public final class GptTokenizer implements Tokenizer {
    /** GPT-2's end-of-text id. */
    public static final int END_OF_TEXT = 50256;
    private static final String END_OF_TEXT_TEXT = "<|endoftext|>";

    /** Pieces longer than this many UTF-8 bytes go to jtokkit, whose merge is not quadratic in the length. */
    private static final int LONG_PIECE_BYTES = 4096;

    private final R50kBpe bpe = new R50kBpe();
    /** jtokkit, loaded on first use (decoding, very long pieces): preparation rarely needs it. */
    private volatile Encoding encoding;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(() -> new Scratch(this::encodePiece));

    @Override
    public String name() {
        return "gpt2-r50k";
    }

    @Override
    public int vocabSize() {
        return 50257;
    }

    @Override
    public int endOfTextId() {
        return END_OF_TEXT;
    }

    @Override
    public int[] encode(String text) {
        Scratch scratch = this.scratch.get();
        scratch.size = 0;
        int from = 0;
        int marker = text.indexOf(END_OF_TEXT_TEXT);
        while (marker >= 0) {
            encodeOrdinary(text, from, marker, scratch);
            scratch.add(END_OF_TEXT);
            from = marker + END_OF_TEXT_TEXT.length();
            marker = text.indexOf(END_OF_TEXT_TEXT, from);
        }
        encodeOrdinary(text, from, text.length(), scratch);
        return Arrays.copyOf(scratch.ids, scratch.size);
    }

    /** BPE of {@code text[from, to)}: split into GPT-2's pieces, each encoded through this thread's cache. */
    private static void encodeOrdinary(String text, int from, int to, Scratch scratch) {
        int i = from;
        while (i < to) {
            int pieceEnd = R50kSplitter.pieceEnd(text, i, to);
            scratch.addAll(scratch.cache.ids(text, i, pieceEnd));
            i = pieceEnd;
        }
    }

    /** BPE of one piece. */
    private int[] encodePiece(String piece) {
        byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
        return utf8.length <= LONG_PIECE_BYTES ? bpe.encode(utf8) : jtokkit().encodeOrdinary(piece).toArray();
    }

    private Encoding jtokkit() {
        Encoding e = encoding;
        if (e == null) {
            synchronized (this) {
                e = encoding;
                if (e == null) {
                    e = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
                    encoding = e;
                }
            }
        }
        return e;
    }

    /** One thread's piece cache and output buffer. */
    private static final class Scratch {
        final BpePieceCache cache;
        int[] ids = new int[1 << 12];
        int size;

        Scratch(Function<String, int[]> encoder) {
            this.cache = new BpePieceCache(encoder,
                    BpePieceCache.slotsFor(Runtime.getRuntime().maxMemory()));
        }

        void add(int id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }

        void addAll(int[] more) {
            if (size + more.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(size + more.length, size * 2));
            }
            System.arraycopy(more, 0, ids, size, more.length);
            size += more.length;
        }
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder out = new StringBuilder();
        Encoding encoding = jtokkit();
        IntArrayList run = new IntArrayList(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside GPT-2's vocabulary [0, 50257)");
            }
            if (id == END_OF_TEXT) {
                out.append(encoding.decode(run)).append(END_OF_TEXT_TEXT);
                run.clear();
            } else {
                run.add(id);
            }
        }
        return out.append(encoding.decode(run)).toString();
    }
}
