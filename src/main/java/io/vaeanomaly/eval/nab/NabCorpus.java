package io.vaeanomaly.eval.nab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaeanomaly.io.InputFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The NAB corpus: every data file named in the label windows file, in that file's order, with its
 * windows mapped to row indices. Immutable.
 *
 * <p>Windows are mapped as NAB's sweeper does: the window's start and end timestamps must each be
 * a timestamp of the data file (compared as date-times, so {@code .000000} fractions in the JSON
 * match whole seconds in the CSV); the window covers the rows between them, inclusive.
 */
public final class NabCorpus {
    private final List<NabDataFile> files;
    private final Map<String, NabDataFile> byPath;

    private NabCorpus(List<NabDataFile> files) {
        Map<String, NabDataFile> map = new LinkedHashMap<>();
        for (NabDataFile f : files) {
            if (map.put(f.relativePath(), f) != null) {
                throw new IllegalArgumentException("duplicate data file " + f.relativePath());
            }
        }
        this.files = List.copyOf(files);
        this.byPath = Collections.unmodifiableMap(map);
    }

    /** A corpus of files built in code. */
    public static NabCorpus of(List<NabDataFile> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a corpus needs at least one data file");
        }
        return new NabCorpus(files);
    }

    /**
     * Loads the corpus.
     *
     * @param dataDir NAB's {@code data/} directory holding {@code <category>/<file>.csv}
     * @param windowsJson NAB's {@code labels/combined_windows.json}: an object mapping each
     *     {@code category/file.csv} to a list of {@code [start, end]} timestamp pairs
     * @throws InputFormatException naming the file (and line where known) for missing files,
     *     malformed JSON or CSV cells, and window timestamps absent from their data file
     */
    public static NabCorpus load(Path dataDir, Path windowsJson) {
        Map<String, List<String[]>> windowTimes = readWindows(windowsJson);
        if (windowTimes.isEmpty()) {
            throw new InputFormatException(windowsJson, 0, "no data files listed");
        }
        List<NabDataFile> files = new ArrayList<>();
        for (Map.Entry<String, List<String[]>> e : windowTimes.entrySet()) {
            files.add(readDataFile(dataDir, e.getKey(), e.getValue(), windowsJson));
        }
        return new NabCorpus(files);
    }

    /** The data files in label-file order. */
    public List<NabDataFile> files() {
        return files;
    }

    /** The file with the given relative path, or {@code null}. */
    public NabDataFile file(String relativePath) {
        return byPath.get(relativePath);
    }

    /** Total number of label windows. */
    public int windowCount() {
        int n = 0;
        for (NabDataFile f : files) {
            n += f.windows().size();
        }
        return n;
    }

    /** Total number of data rows. */
    public long totalRows() {
        long n = 0;
        for (NabDataFile f : files) {
            n += f.rows();
        }
        return n;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, List<String[]>> readWindows(Path windowsJson) {
        JsonNode root;
        try {
            root = JSON.readTree(windowsJson.toFile());
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new InputFormatException(windowsJson, line, "invalid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InputFormatException(windowsJson, 0, Files.exists(windowsJson)
                    ? "cannot read: " + e.getMessage() : "file not found");
        }
        if (root == null || !root.isObject()) {
            throw new InputFormatException(windowsJson, 0,
                    "expected a JSON object mapping 'category/file.csv' to window lists");
        }
        Map<String, List<String[]>> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (!e.getValue().isArray()) {
                throw new InputFormatException(windowsJson, 0,
                        "'" + key + "': expected a list of [start, end] pairs");
            }
            List<String[]> list = new ArrayList<>();
            for (JsonNode pair : e.getValue()) {
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual()
                        || !pair.get(1).isTextual()) {
                    throw new InputFormatException(windowsJson, 0,
                            "'" + key + "': expected [start, end] timestamp strings, got " + pair);
                }
                list.add(new String[] {pair.get(0).asText(), pair.get(1).asText()});
            }
            out.put(key, list);
        }
        return out;
    }

    private static NabDataFile readDataFile(
            Path dataDir, String relativePath, List<String[]> windowTimes, Path windowsJson) {
        if (relativePath.indexOf('/') <= 0 || relativePath.contains("..")) {
            throw new InputFormatException(windowsJson, 0,
                    "'" + relativePath + "': expected a key of the form 'category/file.csv'");
        }
        Path file = dataDir.resolve(relativePath);
        List<String> timestamps = new ArrayList<>();
        List<String> valueText = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        Map<LocalDateTime, Integer> rowOf = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new InputFormatException(file, 1, "empty file, expected a header row");
            }
            List<String> cols = NabCsv.splitHeader(header);
            int tsCol = NabCsv.column(file, cols, "timestamp");
            int valueCol = NabCsv.column(file, cols, "value");
            String line;
            long lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = NabCsv.split(file, lineNo, line, cols.size());
                String ts = cells[tsCol].trim();
                LocalDateTime t = NabTimestamps.parseOrNull(ts);
                if (t == null) {
                    throw new InputFormatException(file, lineNo, "column 'timestamp': not a "
                            + "timestamp 'yyyy-MM-dd HH:mm:ss': '" + ts + "'");
                }
                String v = cells[valueCol].trim();
                values.add(NabCsv.parseFinite(file, lineNo, "value", v));
                rowOf.putIfAbsent(t, timestamps.size());
                timestamps.add(ts);
                valueText.add(v);
            }
            if (timestamps.isEmpty()) {
                throw new InputFormatException(file, lineNo, "no data rows after the header");
            }
        } catch (NoSuchFileException e) {
            throw new InputFormatException(file, 0,
                    "data file not found (listed in " + windowsJson + ")");
        } catch (IOException e) {
            throw new InputFormatException(file, 0, "cannot read: " + e.getMessage());
        }
        List<NabWindow> windows = new ArrayList<>();
        int prevEnd = -1;
        for (String[] pair : windowTimes) {
            int start = rowIndex(rowOf, pair[0], relativePath, windowsJson, "start");
            int end = rowIndex(rowOf, pair[1], relativePath, windowsJson, "end");
            if (end < start || start <= prevEnd) {
                throw new InputFormatException(windowsJson, 0, "'" + relativePath
                        + "': window [" + pair[0] + ", " + pair[1]
                        + "] is reversed or overlaps/precedes the previous window");
            }
            windows.add(new NabWindow(start, end));
            prevEnd = end;
        }
        double[] vals = new double[values.size()];
        for (int i = 0; i < vals.length; i++) {
            vals[i] = values.get(i);
        }
        return new NabDataFile(
                relativePath, timestamps, vals, valueText.toArray(new String[0]), windows);
    }

    private static int rowIndex(Map<LocalDateTime, Integer> rowOf, String text,
            String relativePath, Path windowsJson, String which) {
        LocalDateTime t = NabTimestamps.parseOrNull(text);
        if (t == null) {
            throw new InputFormatException(windowsJson, 0, "'" + relativePath + "': window "
                    + which + " '" + text + "' is not a timestamp");
        }
        Integer row = rowOf.get(t);
        if (row == null) {
            throw new InputFormatException(windowsJson, 0, "'" + relativePath + "': window "
                    + which + " '" + text + "' is not a timestamp of the data file");
        }
        return row;
    }
}
