package dev.wafer.domain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class RequestBuilderTest {
    private static int[] chars(String s) {
        return s.codePoints().toArray();
    }

    @Test
    void emptyContextBecomesEndOfText() {
        LoglikelihoodRequest r = new RequestBuilder(new CharTokenizer(), 2048, RequestBuilder.GPT2_EOT).build("", " yes");
        assertArrayEquals(new int[] {50256}, r.context());
        assertArrayEquals(chars(" yes"), r.continuation());
    }

    @Test
    void contextAndContinuationAreTokenizedSeparately() {
        CharTokenizer recording = new CharTokenizer();
        new RequestBuilder(recording, 2048, 0).build("Question: 2+2?\nAnswer:", " 4");
        assertEquals(List.of("Question: 2+2?\nAnswer:", " 4"), recording.encoded);
    }

    @Test
    void leftTruncatesToMaxLengthPlusOne() {
        RequestBuilder b = new RequestBuilder(new CharTokenizer(), 5, 0);
        LoglikelihoodRequest r = b.build("abcdef", "xy");
        // (ctx + cont)[-6:] = "cdefxy"; the model will see "cdefx" and score "xy".
        assertArrayEquals(chars("cdef"), r.context());
        assertArrayEquals(chars("xy"), r.continuation());
        LoglikelihoodRequest fits = b.build("abc", "xy");
        assertArrayEquals(chars("abc"), fits.context());
        LoglikelihoodRequest longest = b.build("abcdef", "vwxyz");
        assertArrayEquals(chars("f"), longest.context());
        assertThrows(IllegalArgumentException.class, () -> b.build("abc", "uvwxyz"));
        assertThrows(IllegalArgumentException.class, () -> b.build("abc", ""));
    }
}
