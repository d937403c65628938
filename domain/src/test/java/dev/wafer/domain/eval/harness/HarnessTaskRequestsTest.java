package dev.wafer.domain.eval.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wafer.domain.eval.EvalDoc;
import dev.wafer.domain.eval.HarnessRequest;
import dev.wafer.domain.eval.MultipleChoiceDoc;
import dev.wafer.domain.eval.TaskRequests;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Requests built from hand-written records of each task, against strings derived by hand from harness v0.3.0
 * (62ca184) {@code lm_eval/tasks/*.py} and {@code base.py MultipleChoiceTask.construct_requests}.
 */
class HarnessTaskRequestsTest {
    private static List<String> flat(EvalDoc doc) {
        return TaskRequests.of(0, doc, doc.text()).stream().map(r -> r.context() + "|" + r.continuation()).toList();
    }

    @Test
    void hellaswagCapitalizesCtxBAndKeepsPlainRecordsAsTheyAre() {
        // hellaswag.py _process_doc: "Roof shingle removal" + ": " + "A man is sitting on a roof." + " " + "he".capitalize()
        MultipleChoiceDoc doc = HellaSwag.doc("Roof shingle removal", "A man is sitting on a roof.", "he",
                List.of("is using wrap to wrap a pair of skis.", "is ripping level tiles off.",
                        "is holding a rubik's cube.", "starts pulling up roofing on a roof."), 3);
        assertEquals(List.of(
                "Roof shingle removal: A man is sitting on a roof. He| is using wrap to wrap a pair of skis.",
                "Roof shingle removal: A man is sitting on a roof. He| is ripping level tiles off.",
                "Roof shingle removal: A man is sitting on a roof. He| is holding a rubik's cube.",
                "Roof shingle removal: A man is sitting on a roof. He| starts pulling up roofing on a roof."), flat(doc));
        assertEquals(3, doc.gold());
    }

    @Test
    void hellaswagBracketedTagsAsPreprocessLeavesThem() {
        // hellaswag.py preprocess, by hand: ctx_b.capitalize() lower-cases "SHAMPOO" (and "[step]" keeps its "[");
        // " [title]" -> ". " leaves "hair.  Wash"; removing "[header]"/"[step]" leaves double spaces; one pass of
        // "  " -> " " collapses them. An ending is stripped BEFORE its tag is removed, so "[substeps] Rinse" keeps a
        // leading space and the request's continuation starts with two spaces.
        MultipleChoiceDoc doc = HellaSwag.doc("Personal Care and Style",
                "[header] How to dye your hair [title] Wash your hair.", "[step] Use a clarifying SHAMPOO.",
                List.of("[substeps] Rinse well.  Then dry.", " Towel dry [title] Comb it."), 1);
        String q = "Personal Care and Style: How to dye your hair. Wash your hair. use a clarifying shampoo.";
        assertEquals(List.of(q + "|  Rinse well. Then dry.", q + "| Towel dry. Comb it."), flat(doc));
    }

    @Test
    void hellaswagPreprocessCollapsesDoubleSpacesInOnePass() {
        // str.replace("  ", " ") is one non-overlapping pass: three spaces become two.
        assertEquals("a  b", HellaSwag.preprocess("a   b"));
        // Tags are removed after the strip, so the space before "[foo]" stays (checked with CPython).
        assertEquals("x. y ", HellaSwag.preprocess("  x [title]y [foo][bar] "));
    }

    @Test
    void hellaswagUsesPythonsStripRegexAndCapitalize() {
        // CPython on hellaswag.py: strip() removes U+00A0 and U+0085; "." in re spans "\r"; capitalize() title-cases
        // "\ufb01" to "Fi" and ends "\u03a3" as a final sigma. An ending that is all tags is an empty choice.
        MultipleChoiceDoc doc = HellaSwag.doc("Test", "A man.", "\ufb01sh swim \u0391\u03a3",
                List.of("stops.\u00a0", "one [a\rb] two", "\u0085x", "[header]"), 0);
        String q = "Test: A man. Fish swim \u03b1\u03c2";
        assertEquals(List.of(q + "| stops.", q + "| one two", q + "| x", q + "| "), flat(doc));
        assertEquals("Sstra\u00dfe", HellaSwag.doc("a", "b", "\u00dftra\u00dfe", List.of("x", "y"), 0).context()
                .substring("a: b ".length()));
    }

    @Test
    void piqaQuestionAnswerForm() {
        // piqa.py doc_to_text: "Question: " + goal + "\nAnswer:"; choices [sol1, sol2].
        MultipleChoiceDoc doc = Piqa.doc("When boiling butter, when it's ready, you can", "Pour it onto a plate",
                "Pour it into a jar", 1);
        assertEquals(List.of(
                "Question: When boiling butter, when it's ready, you can\nAnswer:| Pour it onto a plate",
                "Question: When boiling butter, when it's ready, you can\nAnswer:| Pour it into a jar"), flat(doc));
        assertEquals(" Pour it into a jar", doc.target());
    }

    @Test
    void arcMapsDigitAnswerKeysToLetters() {
        // arc.py _process_doc: num_to_letter["3"] = "C" -> gold 2.
        MultipleChoiceDoc doc = Arc.doc("Which is a gas?", List.of("ice", "water", "steam", "salt"), "3");
        assertEquals(2, doc.gold());
        assertEquals("Question: Which is a gas?\nAnswer:| steam", flat(doc).get(2));
        assertEquals(4, Arc.doc("q", List.of("a", "b", "c", "d", "e"), "E").gold());
        assertThrows(IllegalArgumentException.class, () -> Arc.doc("q", List.of("a", "b"), "F"));
    }

    @Test
    void openbookqaUsesTheBareStem() {
        // openbookqa.py _process_doc: query = question_stem; gold = ["A","B","C","D"].index(answerKey.strip()).
        MultipleChoiceDoc doc = OpenBookQa.doc("The sun is responsible for",
                List.of("puppies learning new tricks", "children growing up and getting old", "flowers wilting in a vase",
                        "plants sprouting, blooming and wilting"), "D ");
        assertEquals(3, doc.gold());
        assertEquals("The sun is responsible for| plants sprouting, blooming and wilting", flat(doc).get(3));
        // Python's strip() removes a no-break space too.
        assertEquals(1, OpenBookQa.doc("q", List.of("a", "b", "c", "d"), "\u00a0B\u202f").gold());
    }

    @Test
    void winograndePartialScoringWithTheBlankNearTheEnd() {
        // winogrande.py partial_context: sentence[:index("_")] + option; partial_target: " " + sentence[idx+1:].strip().
        assertEquals(List.of(
                "Sarah was a much better surgeon than Maria so Sarah| always got the harder cases.",
                "Sarah was a much better surgeon than Maria so Maria| always got the harder cases."),
                flat(Winogrande.doc("Sarah was a much better surgeon than Maria so _ always got the harder cases.",
                        "Sarah", "Maria", "1")));
        // Blank just before the final period: the continuation is " ." for both options.
        assertEquals(List.of("The trophy doesn't fit in the suitcase because of the trophy| .",
                "The trophy doesn't fit in the suitcase because of the suitcase| ."),
                flat(Winogrande.doc("The trophy doesn't fit in the suitcase because of the _.", "trophy", "suitcase", "2")));
        assertEquals(1, Winogrande.doc("a _ b", "x", "y", "2").gold());
        // Python's strip() removes the trailing U+00A0 that Java's String.strip() keeps.
        assertEquals(List.of("The cat saw Ann| there.", "The cat saw Bob| there."),
                flat(Winogrande.doc("The cat saw _ there.\u00a0", "Ann", "Bob", "1")));
        assertThrows(IllegalArgumentException.class, () -> Winogrande.doc("a _ b", "x", "y", "0"));
    }

    @Test
    void lambadaLastWordKeepsItsPunctuation() {
        // lambada.py doc_to_text: text.rsplit(" ", 1)[0]; doc_to_target: " " + text.rsplit(" ", 1)[1].
        assertEquals(List.of("\"Go away,\" she said to| \"Bob.\""), flat(LambadaOpenAi.doc("\"Go away,\" she said to \"Bob.\"")));
        // Either side of the last space may be empty, as rsplit leaves it; no space at all is refused (IndexError).
        assertEquals(List.of("the passage ends| "), flat(LambadaOpenAi.doc("the passage ends ")));
        assertEquals(List.of("| word"), flat(LambadaOpenAi.doc(" word")));
        assertThrows(IllegalArgumentException.class, () -> LambadaOpenAi.doc("oneword"));
    }

    @Test
    void crowsPairsScoresBothSentencesAfterAnEmptyContext() {
        // crowspairs.py construct_requests: loglikelihood("", sent_more), loglikelihood("", sent_less).
        List<HarnessRequest> r = TaskRequests.of(7, CrowsPairsEnglish.doc("Poor people are lazy.", "Rich people are lazy.",
                "socioeconomic"), "");
        assertEquals(List.of(new HarnessRequest(7, "", "Poor people are lazy."), new HarnessRequest(7, "", "Rich people are lazy.")), r);
    }

    @Test
    void harnessNamesAndSplits() {
        assertEquals(HarnessTask.ARC_CHALLENGE, HarnessTask.fromName("arc_challenge"));
        assertEquals("test", HarnessTask.OPENBOOKQA.split());
        assertEquals("validation", HarnessTask.HELLASWAG.split());
        assertEquals(false, HarnessTask.LAMBADA_OPENAI.hasTrainingDocs());
        assertEquals(7, HarnessTask.PAPER.size());
        assertEquals(null, HarnessTask.fromName("hellaswag_v2"));
    }
}
