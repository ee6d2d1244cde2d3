package io.vaeanomaly.cli;

import io.vaeanomaly.io.NumericCsvReader;
import io.vaeanomaly.io.NumericTable;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Column selection for commands that read a CSV file with a header row. */
final class CsvOptions {
    @Option(
            names = "--columns",
            split = ",",
            description = "Numeric columns to use (default: all columns not ignored). score:"
                    + " not needed, the model names its columns.")
    List<String> columns = List.of();

    @Option(
            names = "--ignore-columns",
            split = ",",
            description = "Columns to skip, e.g. a timestamp (kept as text, not used as"
                    + " features). score: not needed, columns the model does not use are"
                    + " ignored.")
    List<String> ignore = List.of();

    NumericTable read(Path file) {
        return NumericCsvReader.columns(columns, ignore).read(file);
    }
}
