package io.vaeanomaly.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Recursive delete of a temp directory, tolerant of files vanishing concurrently. */
public final class TempDirs {
    private TempDirs() {}

    /** Deletes {@code dir} and everything below it; returns whether it is gone afterwards. */
    public static boolean deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // A second pass below reports whether anything was left.
                }
            });
        } catch (IOException | RuntimeException ignored) {
            // Files.walk fails if an entry disappears mid-walk; the check below decides.
        }
        return !Files.exists(dir);
    }
}
