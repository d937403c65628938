package dev.wafer.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The transcription of Tables 8 and 9: spot cells, and every row against the table's own average column. */
class PublishedResultsTest {
    @Test
    void spotCellsAsPrinted() {
        PublishedResults.Row r111 = PublishedResults.row("111M", 0).orElseThrow();
        assertEquals(0.268, r111.accuracy().get("hellaswag"));
        assertEquals(0.194, r111.accuracy().get("lambada_openai"));
        assertEquals(2.608, r111.pileXent());
        assertEquals(0.315, r111.average());
        PublishedResults.Row r13 = PublishedResults.row("13B", 0).orElseThrow();
        assertEquals(0.367, r13.accuracy().get("arc_challenge"));
        assertEquals(0.570, r13.average());
        PublishedResults.Row five27 = PublishedResults.row("2.7B", 5).orElseThrow();
        assertEquals(0.543, five27.accuracy().get("winogrande"));
        assertEquals(0.224, five27.accuracy().get("openbookqa"));
        assertEquals(0.456, five27.average());
        assertTrue(Double.isNaN(five27.pileXent()));
        assertEquals(0.581, PublishedResults.row("13B", 5).orElseThrow().average());
        assertEquals(Optional.empty(), PublishedResults.row("13B", 3));
    }

    /**
     * The average column is the mean of the seven unrounded accuracies, rounded: the mean of the printed (rounded)
     * cells is within 0.0005 (cell rounding) + 0.0005 (average rounding) of it. A cell mistyped by 0.01 moves the mean
     * by 0.0014, past that slack unless other cells' rounding happens to offset it; a shifted column or row fails.
     */
    @Test
    void everyRowAgreesWithItsAverageColumn() {
        for (int shots : new int[] {0, 5}) {
            for (String size : PublishedResults.SIZES) {
                PublishedResults.Row r = PublishedResults.row(size, shots).orElseThrow();
                assertEquals(PublishedResults.TASKS, java.util.List.copyOf(r.accuracy().keySet()));
                double mean = r.accuracy().values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                assertEquals(r.average(), mean, 0.001 + 1e-12, size + " " + shots + "-shot");
            }
        }
    }

    @Test
    void namesFromHubIdsAndImportedFolders() {
        assertEquals(Optional.of("111M"), PublishedResults.size("cerebras/Cerebras-GPT-111M"));
        assertEquals(Optional.of("1.3B"), PublishedResults.size("/models/cerebras-gpt-1.3b"));
        assertEquals(Optional.of("13B"), PublishedResults.size(
                "/root/.cache/huggingface/hub/models--cerebras--Cerebras-GPT-13B/snapshots/0123abcd"));
        assertEquals(Optional.empty(), PublishedResults.size("/models/Cerebras-GPT-13Bx"));
        assertEquals(Optional.empty(), PublishedResults.size("/models/gpt2"));
        assertEquals(Optional.empty(), PublishedResults.size("/models/Cerebras-GPT-1.3B.bak"));
    }
}
