package io.vaeanomaly.eval.nab;

import io.vaeanomaly.io.InputFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small helpers for NAB's plain comma-separated files (no quoting). */
final class NabCsv {
    private NabCsv() {}

    static List<String> splitHeader(String header) {
        String h = header.startsWith("\uFEFF") ? header.substring(1) : header;
        List<String> cols = new ArrayList<>();
        for (String c : h.split(",", -1)) {
            cols.add(c.trim());
        }
        return cols;
    }

    static int column(Path file, List<String> cols, String name) {
        int i = cols.indexOf(name);
        if (i < 0) {
            throw new InputFormatException(file, 1, "no column named '" + name + "' in header "
                    + cols);
        }
        return i;
    }

    static String[] split(Path file, long lineNo, String line, int columns) {
        String[] cells = line.split(",", -1);
        if (cells.length != columns) {
            throw new InputFormatException(file, lineNo,
                    "expected " + columns + " columns but found " + cells.length);
        }
        return cells;
    }

    static double parseFinite(Path file, long lineNo, String column, String cell) {
        double v;
        try {
            v = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new InputFormatException(file, lineNo,
                    "column '" + column + "': not a number: '" + cell + "'");
        }
        if (!Double.isFinite(v)) {
            throw new InputFormatException(file, lineNo,
                    "column '" + column + "': value is not finite: '" + cell + "'");
        }
        return v;
    }
}
