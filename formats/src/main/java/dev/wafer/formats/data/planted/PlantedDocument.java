package dev.wafer.formats.data.planted;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A generated document as parts (header, sentences in paragraphs, footer), so that a copy can be edited the way
 * web copies differ: sentences inserted, deleted or reordered, boilerplate changed, whitespace and case changed.
 */
final class PlantedDocument {
    private static final String[] SITES = {"the Daily Ledger", "Harbor Notes", "OpenWiki", "Field Journal",
        "the Archive", "Community Board", "Weekly Digest", "Science Corner"};
    private static final String[] FOOTERS = {"All rights reserved.", "Share this article with your friends.",
        "Comments are closed.", "Subscribe for more stories like this.", "Reproduced with permission."};

    final int topic;
    String header;
    final List<String> sentences;
    String footer;
    /** Sentence indexes where a new paragraph starts. */
    int paragraph;
    boolean extraWhitespace;
    int upperCased = -1;

    private PlantedDocument(int topic, String header, List<String> sentences, String footer, int paragraph) {
        this.topic = topic;
        this.header = header;
        this.sentences = sentences;
        this.footer = footer;
        this.paragraph = paragraph;
    }

    static PlantedDocument generate(WordModel model, SplittableRandom r, int topic, int minSentences,
                                    int maxSentences) {
        int n = minSentences + r.nextInt(maxSentences - minSentences + 1);
        List<String> s = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            s.add(model.sentence(r, topic));
        }
        return new PlantedDocument(topic, header(r), s, footer(r), 3 + r.nextInt(4));
    }

    private static String header(SplittableRandom r) {
        return String.format(Locale.ROOT, "Posted on %s, %d %s %d.", SITES[r.nextInt(SITES.length)],
                1 + r.nextInt(28), new String[] {"January", "March", "May", "July", "September", "November"}[r.nextInt(6)],
                1995 + r.nextInt(30));
    }

    private static String footer(SplittableRandom r) {
        return FOOTERS[r.nextInt(FOOTERS.length)] + " Page " + (1 + r.nextInt(400)) + ".";
    }

    PlantedDocument copy() {
        PlantedDocument d = new PlantedDocument(topic, header, new ArrayList<>(sentences), footer, paragraph);
        d.extraWhitespace = extraWhitespace;
        d.upperCased = upperCased;
        return d;
    }

    /** Applies {@code edits} random edits; returns their names. */
    List<String> edit(WordModel model, SplittableRandom r, int edits) {
        List<String> done = new ArrayList<>();
        for (int e = 0; e < edits; e++) {
            switch (r.nextInt(7)) {
                case 0 -> {
                    sentences.add(r.nextInt(sentences.size() + 1), model.sentence(r, topic));
                    done.add("insert");
                }
                case 1 -> {
                    if (sentences.size() > 4) {
                        sentences.remove(r.nextInt(sentences.size()));
                        done.add("delete");
                    }
                }
                case 2 -> {
                    int i = r.nextInt(sentences.size() - 1);
                    String t = sentences.get(i);
                    sentences.set(i, sentences.get(i + 1));
                    sentences.set(i + 1, t);
                    done.add("reorder");
                }
                case 3 -> {
                    header = header(r);
                    done.add("header");
                }
                case 4 -> {
                    footer = footer(r);
                    done.add("footer");
                }
                case 5 -> {
                    extraWhitespace = true;
                    paragraph = 2 + r.nextInt(5);
                    done.add("whitespace");
                }
                default -> {
                    upperCased = r.nextInt(sentences.size());
                    done.add("case");
                }
            }
        }
        return done;
    }

    String text() {
        StringBuilder b = new StringBuilder(header).append("\n\n");
        for (int i = 0; i < sentences.size(); i++) {
            String s = i == upperCased ? sentences.get(i).toUpperCase(Locale.ROOT) : sentences.get(i);
            if (i > 0) {
                b.append(i % paragraph == 0 ? "\n\n" : extraWhitespace ? "  " : " ");
            }
            b.append(s);
        }
        return b.append(extraWhitespace ? "\n\n\n" : "\n\n").append(footer).toString();
    }
}
