package io.vaeanomaly.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates files at the repository root from a test running in a module directory. */
final class RepoFiles {
    private RepoFiles() {}

    static Path jobYaml() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("configs/job.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("configs/job.yaml not found above " + Path.of("")
                .toAbsolutePath());
    }
}
