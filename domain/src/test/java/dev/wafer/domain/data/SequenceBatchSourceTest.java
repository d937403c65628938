package dev.wafer.domain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;

import dev.wafer.ports.data.TokenSequences;
import org.junit.jupiter.api.Test;

class SequenceBatchSourceTest {
    /** Sequence i holds the stream tokens i*len .. i*len+len-1, so the contiguous stream is 0, 1, 2, ... */
    private static TokenSequences stream(long count, int len) {
        return new TokenSequences() {
            public long count() {
                return count;
            }

            public int sequenceLength() {
                return len;
            }

            public int vocabSize() {
                return Integer.MAX_VALUE;
            }

            public void read(long index, int[] dest, int offset) {
                if (index < 0 || index >= count) {
                    throw new IndexOutOfBoundsException(index);
                }
                for (int i = 0; i < len; i++) {
                    dest[offset + i] = (int) (index * len + i);
                }
            }

            public void close() {
            }
        };
    }

    @Test
    void targetsAreTheNextTokenOfTheContiguousStreamAcrossSequenceBoundaries() {
        SequenceBatchSource source = new SequenceBatchSource(stream(10, 8), 7);
        int[] in = new int[3 * 8];
        int[] tg = new int[3 * 8];
        source.next(in, tg, 3, 8);
        for (int i = 0; i < in.length; i++) {
            assertEquals(in[i] + 1, tg[i], "position " + i);
        }
        for (int b = 0; b < 3; b++) {
            assertEquals(0, in[b * 8] % 8, "each row starts at a stored sequence");
        }
    }

    @Test
    void anEpochVisitsEveryDrawableSequenceOnceAndResumesExactly() {
        SequenceBatchSource a = new SequenceBatchSource(stream(33, 4), 11);
        assertEquals(32, a.sequencesPerEpoch());
        Set<Integer> starts = new HashSet<>();
        int[] in = new int[4];
        int[] tg = new int[4];
        for (int i = 0; i < 32; i++) {
            a.next(in, tg, 1, 4);
            starts.add(in[0] / 4);
        }
        assertEquals(32, starts.size());
        assertEquals(false, starts.contains(32), "the last stored sequence has no successor");

        SequenceBatchSource b = new SequenceBatchSource(stream(33, 4), 11);
        SequenceBatchSource c = new SequenceBatchSource(stream(33, 4), 11);
        int[] x = new int[8];
        int[] y = new int[8];
        for (int i = 0; i < 5; i++) {
            b.next(x, y, 2, 4);
        }
        c.seek(b.position());
        int[] xb = new int[8];
        int[] xc = new int[8];
        b.next(xb, y, 2, 4);
        c.next(xc, y, 2, 4);
        assertArrayEquals(xb, xc);
    }

    @Test
    void refusesTooLongSequencesAndTinySplits() {
        SequenceBatchSource s = new SequenceBatchSource(stream(4, 8), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.next(new int[16], new int[16], 1, 16));
        assertEquals("model sequence length 16 exceeds the dataset's 8; pack the data into sequences of 16 tokens"
                + " or more (TokenSequences.sequenceLength)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SequenceBatchSource(stream(1, 8), 1));
    }
}
