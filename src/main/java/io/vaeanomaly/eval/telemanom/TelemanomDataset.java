package io.vaeanomaly.eval.telemanom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaeanomaly.io.InputFormatException;
import io.vaeanomaly.io.NumericCsvReader;
import io.vaeanomaly.io.NumericTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A telemanom-format data set (Hundman et al., KDD 2018) as converted to CSV:
 *
 * <pre>
 *   DIR/train/&lt;chan&gt;.csv   header row, then one row per time step (value,cmd1..cmd24)
 *   DIR/test/&lt;chan&gt;.csv    same columns
 *   DIR/labels.json        {"&lt;chan&gt;": {"anomaly_sequences": [[start, end], ...],
 *                                     "num_values": n_test, ...}, ...}
 * </pre>
 *
 * Sequences are inclusive and 0-based into the test rows. The channel list comes from labels.json;
 * CSV files without a labels entry are ignored. Channels are ordered by letter, then number (A-2
 * before A-10).
 *
 * @param directory the data set folder
 * @param channels the loaded channels
 */
public record TelemanomDataset(Path directory, List<TelemanomChannel> channels) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Channel ids ordered by prefix, then numeric suffix, then plain text. */
    public static final Comparator<String> CHANNEL_ORDER =
            Comparator.comparing(TelemanomDataset::prefix)
                    .thenComparingLong(TelemanomDataset::suffixNumber)
                    .thenComparing(Comparator.naturalOrder());

    /** Data set name: the folder name (e.g. {@code "smap"}). */
    public String name() {
        Path f = directory.toAbsolutePath().normalize().getFileName();
        return f == null ? directory.toString() : f.toString();
    }

    /** Loads every channel listed in {@code dir/labels.json}. */
    public static TelemanomDataset load(Path dir) {
        return load(dir, List.of());
    }

    /**
     * Loads the named channels (all when {@code only} is empty), in {@link #CHANNEL_ORDER}.
     *
     * @throws InputFormatException when a file is missing or malformed
     * @throws IllegalArgumentException when a requested channel is not in labels.json
     */
    public static TelemanomDataset load(Path dir, Collection<String> only) {
        Path labelsFile = dir.resolve("labels.json");
        Map<String, JsonNode> labels = readLabels(labelsFile);
        Set<String> wanted = new LinkedHashSet<>(only);
        for (String w : wanted) {
            if (!labels.containsKey(w)) {
                throw new IllegalArgumentException(
                        "unknown channel '" + w + "'; " + labelsFile + " lists " + labels.keySet());
            }
        }
        List<String> names = new ArrayList<>(wanted.isEmpty() ? labels.keySet() : wanted);
        names.sort(CHANNEL_ORDER);
        List<TelemanomChannel> channels = new ArrayList<>();
        for (String name : names) {
            channels.add(loadChannel(dir, labelsFile, name, labels.get(name)));
        }
        return new TelemanomDataset(dir, List.copyOf(channels));
    }

    private static Map<String, JsonNode> readLabels(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InputFormatException(file, 0, "file not found (expected telemanom labels)");
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new InputFormatException(file, line, "invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InputFormatException(file, 0, "cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new InputFormatException(
                    file, 0, "expected a non-empty JSON object mapping channel ids to labels");
        }
        Map<String, JsonNode> out = new TreeMap<>(CHANNEL_ORDER);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static TelemanomChannel loadChannel(
            Path dir, Path labelsFile, String name, JsonNode label) {
        Path trainFile = dir.resolve("train").resolve(name + ".csv");
        Path testFile = dir.resolve("test").resolve(name + ".csv");
        NumericTable train = NumericCsvReader.allColumns().read(trainFile);
        NumericTable test = NumericCsvReader.allColumns().read(testFile);
        if (!train.columns().equals(test.columns())) {
            throw new InputFormatException(
                    testFile,
                    1,
                    "columns " + test.columns() + " differ from " + trainFile + " "
                            + train.columns());
        }
        int n = test.size();
        if (!label.isObject()) {
            throw new InputFormatException(labelsFile, 0, "channel '" + name + "': not an object");
        }
        JsonNode numValues = label.get("num_values");
        if (numValues != null && (!numValues.canConvertToInt() || numValues.asInt() != n)) {
            throw new InputFormatException(
                    labelsFile,
                    0,
                    "channel '" + name + "': num_values is " + numValues + " but " + testFile
                            + " has " + n + " data rows");
        }
        JsonNode seqs = label.get("anomaly_sequences");
        if (seqs == null || !seqs.isArray()) {
            throw new InputFormatException(
                    labelsFile, 0, "channel '" + name + "': missing array 'anomaly_sequences'");
        }
        boolean[] labels = new boolean[n];
        List<int[]> sequences = new ArrayList<>();
        for (JsonNode s : seqs) {
            if (!s.isArray() || s.size() != 2 || !s.get(0).canConvertToInt()
                    || !s.get(1).canConvertToInt() || !s.get(0).isIntegralNumber()
                    || !s.get(1).isIntegralNumber()) {
                throw new InputFormatException(
                        labelsFile, 0, "channel '" + name + "': sequence " + s
                                + " is not a pair of integers [start, end]");
            }
            int start = s.get(0).asInt();
            int end = s.get(1).asInt();
            if (start < 0 || end < start || end >= n) {
                throw new InputFormatException(
                        labelsFile, 0, "channel '" + name + "': sequence [" + start + ", " + end
                                + "] is outside the " + n + " test rows (inclusive, 0-based)");
            }
            Arrays.fill(labels, start, end + 1, true);
            sequences.add(new int[] {start, end});
        }
        return new TelemanomChannel(
                name, train.columns(), train.toMatrix(), test.toMatrix(), labels,
                List.copyOf(sequences));
    }

    private static String prefix(String channel) {
        int dash = channel.lastIndexOf('-');
        return dash < 0 ? channel : channel.substring(0, dash);
    }

    private static long suffixNumber(String channel) {
        int dash = channel.lastIndexOf('-');
        try {
            return dash < 0 ? -1 : Long.parseLong(channel.substring(dash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
