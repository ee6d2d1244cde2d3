package io.vaeanomaly.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Results do not depend on the vector width: a JVM forced to 128-bit or 512-bit vectors ({@link
 * KernelOps#VECTOR_BITS_PROPERTY}) computes every primitive, training step and score of {@link
 * KernelFingerprint} bit for bit as this one does (256 bits by default).
 *
 * <p>Why a second JVM: a JVM keeps one vector species (see {@code VectorOps}); running two in one
 * JVM is what the kernel avoids. The child runs mostly interpreted (the workload is small).
 */
class VectorWidthTest {
    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 512})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void anotherVectorWidthGivesTheSameBits(int bits) throws Exception {
        assumeTrue(
                FloatVector.SPECIES_PREFERRED.vectorBitSize() >= bits,
                "the CPU has no " + bits + "-bit vectors");
        int lanes = KernelOps.get().vectorLanes();
        assumeTrue(lanes * 32 != bits, "this JVM already runs " + bits + "-bit vectors");
        Map<String, String> here = here();

        Map<String, String> there = child(bits);

        assertThat(there.remove("lanes")).as("the child's lanes").isEqualTo(String.valueOf(bits / 32));
        assertThat(there).as("digests at %d bits against %d bits", bits, lanes * 32)
                .containsExactlyEntriesOf(here);
    }

    private static Map<String, String> here;

    private static synchronized Map<String, String> here() {
        if (here == null) {
            here = KernelFingerprint.sections();
        }
        return here;
    }

    private static Map<String, String> child(int bits) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-D" + KernelOps.VECTOR_BITS_PROPERTY + "=" + bits);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KernelFingerprint.class.getName());
        Path log = Files.createTempFile("vector-width-" + bits, ".txt");
        String output;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("child finished").isTrue();
            } finally {
                p.destroyForcibly();
            }
            output = Files.readString(log);
            assertThat(p.exitValue()).as("child exit code; output:%n%s", output).isZero();
        } finally {
            Files.deleteIfExists(log);
        }
        Map<String, String> sections = new LinkedHashMap<>();
        for (String line : output.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("WARNING")) {
                sections.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return sections;
    }
}
