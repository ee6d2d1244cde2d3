package io.vaeanomaly.io;

import java.nio.file.Path;

/**
 * Bad input data: names the file and the 1-based line so a user can fix it. CLIs map this to exit
 * code 2.
 */
public final class InputFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Path file;
    private final long line;

    public InputFormatException(Path file, long line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    /** The file that holds the bad input. */
    public Path file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem is not tied to one line. */
    public long line() {
        return line;
    }
}
