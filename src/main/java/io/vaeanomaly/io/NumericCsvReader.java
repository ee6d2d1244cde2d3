package io.vaeanomaly.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a CSV file with a header row into a {@link NumericTable}. Every selected cell must parse as
 * a finite double; anything else raises an {@link InputFormatException} naming file and line.
 *
 * <p>Plain comma-separated values without quoting, which is what metric exports and the
 * benchmark data sets use.
 */
public final class NumericCsvReader {
    private final List<String> selectedColumns;
    private final List<String> keptColumns;

    private NumericCsvReader(List<String> selectedColumns, List<String> keptColumns) {
        this.selectedColumns = selectedColumns;
        this.keptColumns = keptColumns;
    }

    /** A reader that takes every column as numeric. */
    public static NumericCsvReader allColumns() {
        return new NumericCsvReader(List.of(), List.of());
    }

    /**
     * A reader that takes the named columns as numeric (empty: all columns not in {@code kept}) and
     * keeps the {@code kept} columns as text.
     */
    public static NumericCsvReader columns(List<String> numeric, List<String> kept) {
        return new NumericCsvReader(List.copyOf(numeric), List.copyOf(kept));
    }

    /**
     * The column names of the file's header row (trimmed, byte-order mark removed).
     *
     * @throws InputFormatException naming the file if it is missing, unreadable or empty
     */
    public static List<String> header(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String headerLine = in.readLine();
            if (headerLine == null) {
                throw new InputFormatException(file, 1, "empty file, expected a header row");
            }
            return splitHeader(headerLine);
        } catch (NoSuchFileException e) {
            throw new InputFormatException(file, 0, "file not found");
        } catch (IOException e) {
            throw new InputFormatException(file, 0, "cannot read: " + e.getMessage());
        }
    }

    private static List<String> splitHeader(String headerLine) {
        String[] header = COMMA.split(stripBom(headerLine).trim(), -1);
        for (int i = 0; i < header.length; i++) {
            header[i] = header[i].trim();
        }
        return Arrays.asList(header);
    }

    /** Reads the whole file. */
    public NumericTable read(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(file, in);
        } catch (NoSuchFileException e) {
            throw new InputFormatException(file, 0, "file not found");
        } catch (IOException e) {
            throw new InputFormatException(file, 0, "cannot read: " + e.getMessage());
        }
    }

    private static final Pattern COMMA = Pattern.compile(",");

    private NumericTable read(Path file, BufferedReader in) throws IOException {
        String headerLine = in.readLine();
        if (headerLine == null) {
            throw new InputFormatException(file, 1, "empty file, expected a header row");
        }
        List<String> names = splitHeader(headerLine);
        String[] header = names.toArray(new String[0]);
        int[] keptIdx = indexesOf(file, names, keptColumns);
        List<String> numeric = new ArrayList<>();
        if (selectedColumns.isEmpty()) {
            for (String n : names) {
                if (!keptColumns.contains(n)) {
                    numeric.add(n);
                }
            }
        } else {
            numeric.addAll(selectedColumns);
        }
        int[] numIdx = indexesOf(file, names, numeric);
        if (numIdx.length == 0) {
            throw new InputFormatException(file, 1, "no numeric columns selected");
        }
        List<double[]> rows = new ArrayList<>();
        List<String[]> extra = new ArrayList<>();
        String line;
        long lineNo = 1;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] cells = COMMA.split(line, -1);
            if (cells.length != header.length) {
                throw new InputFormatException(
                        file,
                        lineNo,
                        "expected " + header.length + " columns but found " + cells.length);
            }
            double[] row = new double[numIdx.length];
            for (int j = 0; j < numIdx.length; j++) {
                row[j] = parseFinite(file, lineNo, header[numIdx[j]], cells[numIdx[j]]);
            }
            rows.add(row);
            if (keptIdx.length > 0) {
                String[] kept = new String[keptIdx.length];
                for (int j = 0; j < keptIdx.length; j++) {
                    kept[j] = cells[keptIdx[j]].trim();
                }
                extra.add(kept);
            }
        }
        if (rows.isEmpty()) {
            throw new InputFormatException(file, lineNo, "no data rows after the header");
        }
        return new NumericTable(List.copyOf(numeric), rows, extra);
    }

    private static double parseFinite(Path file, long lineNo, String column, String cell) {
        String s = cell.trim();
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new InputFormatException(
                    file, lineNo, "column '" + column + "': not a number: '" + s + "'");
        }
        if (!Double.isFinite(v)) {
            throw new InputFormatException(
                    file, lineNo, "column '" + column + "': value is not finite: '" + s + "'");
        }
        return v;
    }

    private static int[] indexesOf(Path file, List<String> header, List<String> wanted) {
        int[] idx = new int[wanted.size()];
        for (int i = 0; i < wanted.size(); i++) {
            idx[i] = header.indexOf(wanted.get(i));
            if (idx[i] < 0) {
                throw new InputFormatException(
                        file, 1, "no column named '" + wanted.get(i) + "' in header " + header);
            }
        }
        return idx;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
