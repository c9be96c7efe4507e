package saml2nats.report;

import java.util.Locale;
import java.util.Optional;

/** How an {@link AccessReview} is written: a page that prints, a table a spreadsheet opens, or Markdown for a ticket. */
public enum ReviewFormat {
    HTML("html", "text/html; charset=utf-8"),
    CSV("csv", "text/csv; charset=utf-8"),
    MD("md", "text/markdown; charset=utf-8");

    /** The file extension and the {@code --format} word. */
    public final String extension;
    public final String contentType;

    ReviewFormat(String extension, String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    /** The format {@code --format} names, in any case. */
    public static Optional<ReviewFormat> named(String word) {
        for (ReviewFormat f : values()) {
            if (f.extension.equals(word.toLowerCase(Locale.ROOT))) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    public String render(AccessReview review) {
        return switch (this) {
            case HTML -> HtmlReview.render(review);
            case CSV -> CsvReview.render(review);
            case MD -> MarkdownReview.render(review);
        };
    }
}
