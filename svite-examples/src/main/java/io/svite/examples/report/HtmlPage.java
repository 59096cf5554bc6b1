package io.svite.examples.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;

/**
 * One self-contained HTML page of the report's style: headings, paragraphs, tables and figures,
 * with every image embedded as a {@code data:} URI and the style inline. The page loads nothing:
 * its Content-Security-Policy allows images from {@code data:} and inline style only (no scripts,
 * no fonts, no network), so it opens the same from a disk, a mail or an archive.
 */
public final class HtmlPage {

    /** The page's Content-Security-Policy. */
    public static final String POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

    private static final String STYLE = String.join("\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:0;"
                    + "color:#222;background:#f6f7f9;line-height:1.45}",
            "header{background:#1f3b57;color:#fff;padding:18px 32px}",
            "header h1{margin:0;font-size:24px}",
            "header p{margin:4px 0 0;color:#cfdbe6}",
            "main{padding:8px 32px 40px;max-width:1500px}",
            "h2{margin:28px 0 8px;font-size:20px;border-bottom:2px solid #1f3b57;padding-bottom:4px}",
            "h3{margin:18px 0 6px;font-size:16px;color:#1f3b57}",
            "table{border-collapse:collapse;background:#fff;margin:8px 0 12px;font-size:14px}",
            "th,td{border:1px solid #d5d9de;padding:5px 10px;text-align:left;vertical-align:top}",
            "th{background:#e9eef3}",
            "td.num{text-align:right;font-variant-numeric:tabular-nums}",
            ".grid{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}",
            "figure{margin:0;background:#fff;border:1px solid #d5d9de;padding:8px;max-width:100%;box-sizing:border-box}",
            "figure img{display:block;max-width:100%;height:auto}",
            "figcaption{font-size:13px;color:#444;margin-top:6px;max-width:900px}",
            "figcaption code{font-size:12px}",
            "details{margin:10px 0}",
            "summary{cursor:pointer;font-weight:600;color:#1f3b57}",
            "ul.notes li{color:#8a4b00}",
            "p.small{font-size:13px;color:#555}");

    private final StringBuilder body = new StringBuilder();
    private final String title;
    private final String subtitle;

    /**
     * A page.
     *
     * @param title the page's title and heading
     * @param subtitle a line under the heading, or null
     */
    public HtmlPage(String title, String subtitle) {
        this.title = title;
        this.subtitle = subtitle;
    }

    /**
     * Adds a section heading.
     *
     * @param text the heading
     * @param id the anchor, or null
     * @return this
     */
    public HtmlPage h2(String text, String id) {
        body.append("<h2").append(id == null ? "" : " id=\"" + escape(id) + "\"").append('>').append(escape(text))
                .append("</h2>\n");
        return this;
    }

    /**
     * Adds a sub-heading.
     *
     * @param text the heading
     * @return this
     */
    public HtmlPage h3(String text) {
        body.append("<h3>").append(escape(text)).append("</h3>\n");
        return this;
    }

    /**
     * Adds a paragraph of plain text.
     *
     * @param text the text
     * @return this
     */
    public HtmlPage paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /**
     * Adds a list of plain-text items.
     *
     * @param items the items
     * @param cssClass the list's class, or null
     * @return this
     */
    public HtmlPage list(List<String> items, String cssClass) {
        body.append("<ul").append(cssClass == null ? "" : " class=\"" + cssClass + "\"").append(">\n");
        for (String i : items) {
            body.append("<li>").append(escape(i)).append("</li>\n");
        }
        body.append("</ul>\n");
        return this;
    }

    /**
     * Adds a table; a cell that starts with a digit, a sign or a dot is right-aligned.
     *
     * @param headers the column headings
     * @param rows the cells, row by row
     * @return this
     */
    public HtmlPage table(List<String> headers, List<List<String>> rows) {
        body.append("<table>\n<thead><tr>");
        for (String h : headers) {
            body.append("<th>").append(escape(h)).append("</th>");
        }
        body.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            body.append("<tr>");
            for (String c : row) {
                boolean number = !c.isEmpty() && (Character.isDigit(c.charAt(0)) || c.charAt(0) == '-' || c.charAt(0) == '.');
                body.append(number ? "<td class=\"num\">" : "<td>").append(escape(c)).append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</tbody>\n</table>\n");
        return this;
    }

    /** Opens a row of figures that wrap. */
    public HtmlPage openGrid() {
        body.append("<div class=\"grid\">\n");
        return this;
    }

    /** Closes a row of figures. */
    public HtmlPage closeGrid() {
        body.append("</div>\n");
        return this;
    }

    /** Opens a collapsible part, closed unless {@code open}. */
    public HtmlPage openDetails(String summary, boolean open) {
        body.append("<details").append(open ? " open" : "").append("><summary>").append(escape(summary))
                .append("</summary>\n");
        return this;
    }

    /** Closes a collapsible part. */
    public HtmlPage closeDetails() {
        body.append("</details>\n");
        return this;
    }

    /**
     * Adds a figure: the PNG embedded as a {@code data:} URI, its caption below.
     *
     * @param png the image file
     * @param caption what it shows
     * @param file the file's path to name under the caption (relative to the page), or null
     * @return this
     * @throws IOException if the image cannot be read
     */
    public HtmlPage figure(Path png, String caption, String file) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        if (img == null) {
            throw new IOException(png + " is not a readable image");
        }
        body.append("<figure><img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(bytes))
                .append("\" width=\"").append(img.getWidth()).append("\" height=\"").append(img.getHeight())
                .append("\" alt=\"").append(escape(caption)).append("\"><figcaption>").append(escape(caption));
        if (file != null) {
            body.append(" <code>").append(escape(file)).append("</code>");
        }
        body.append("</figcaption></figure>\n");
        return this;
    }

    /**
     * The page's HTML.
     *
     * @return the document
     */
    public String html() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"" + POLICY + "\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + "</title>\n<style>\n" + STYLE + "\n</style>\n</head>\n<body>\n"
                + "<header><h1>" + escape(title) + "</h1>" + (subtitle == null ? "" : "<p>" + escape(subtitle) + "</p>")
                + "</header>\n<main>\n" + body + "</main>\n</body>\n</html>\n";
    }

    /**
     * Writes the page atomically.
     *
     * @param file the target
     * @throws IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, html(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Escapes text for HTML content and attribute values.
     *
     * @param s the text
     * @return the escaped text
     */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
