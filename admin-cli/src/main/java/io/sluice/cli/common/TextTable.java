package io.sluice.cli.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Columns aligned with spaces, as Kafka's tools print them: a header row, then one row per entry; each column is
 * as wide as its widest cell, columns are separated by two spaces (or the gap given: Kafka's group tool uses one),
 * and trailing spaces are trimmed. Not thread-safe (build, then {@link #render()}).
 */
public final class TextTable {
    private final int gap;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(String... header) {
        this(2, List.of(header));
    }

    public TextTable(int gap, List<String> header) {
        if (gap < 1) {
            throw new IllegalArgumentException("gap must be at least 1, not " + gap);
        }
        this.gap = gap;
        this.header = List.copyOf(header);
    }

    /** Adds every row of {@code cells}, each a list of as many cells as the header has columns. */
    public TextTable addAll(List<? extends List<?>> cells) {
        cells.forEach(row -> add(row.toArray()));
        return this;
    }

    public TextTable add(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("Row has " + cells.length + " cells, the table " + header.size() + " columns");
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(String.valueOf(cell));
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table, one line per row, each ending with a newline. */
    public String render() {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, widths);
        rows.forEach(row -> line(sb, row, widths));
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line.append(cells.get(i));
            if (i < cells.size() - 1) {
                line.append(" ".repeat(widths[i] - cells.get(i).length() + gap));
            }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
