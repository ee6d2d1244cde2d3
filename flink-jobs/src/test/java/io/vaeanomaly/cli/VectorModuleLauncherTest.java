package io.vaeanomaly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI gets the Vector API even when started without {@code --add-modules}. */
class VectorModuleLauncherTest {

    @Test
    void relaunchesOnlyWhenTheModuleIsMissingAndTheCommandUsesTheKernel() {
        String[] train = {"train", "--input", "x.csv"};
        assertThat(VectorModuleLauncher.shouldRelaunch(false, null, false, train)).isTrue();
        assertThat(VectorModuleLauncher.shouldRelaunch(true, null, false, train)).isFalse();
        assertThat(VectorModuleLauncher.shouldRelaunch(false, null, true, train)).isFalse();
        assertThat(VectorModuleLauncher.shouldRelaunch(false, "false", false, train)).isFalse();
        assertThat(VectorModuleLauncher.shouldRelaunch(false, "true", false, train)).isTrue();
        assertThat(VectorModuleLauncher.shouldRelaunch(false, null, false, new String[0]))
                .isFalse();
        for (String cmd : new String[] {"generate", "nab-score", "help", "--help", "--version"}) {
            assertThat(VectorModuleLauncher.shouldRelaunch(false, null, false, new String[] {cmd}))
                    .as(cmd)
                    .isFalse();
        }
    }

    @Test
    void childCommandKeepsTheJvmOptionsAndTheJarOrClassPath() {
        List<String> fromJar =
                VectorModuleLauncher.childCommand(
                        "/jdk/bin/java",
                        List.of("-Xmx1g", "-Dfoo=bar"),
                        "target/vae-anomaly.jar",
                        "target/vae-anomaly.jar train --json",
                        new String[] {"train", "--json"});
        assertThat(fromJar)
                .containsExactly(
                        "/jdk/bin/java",
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-Xmx1g",
                        "-Dfoo=bar",
                        "-Dvae.launcher.relaunched=true",
                        "-jar",
                        "target/vae-anomaly.jar",
                        "train",
                        "--json");
        List<String> fromClassPath =
                VectorModuleLauncher.childCommand(
                        "java",
                        List.of(),
                        "a.jar:b.jar",
                        "io.vaeanomaly.cli.Main bench",
                        new String[] {"bench"});
        assertThat(fromClassPath)
                .containsSequence("-cp", "a.jar:b.jar", "io.vaeanomaly.cli.Main", "bench");
    }

    @Test
    @Timeout(300)
    void trainStartedWithoutTheModuleRunsOnTheVectorKernel(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path csv = dir.resolve("data.csv");
        StringBuilder sb = new StringBuilder("a,b,c\n");
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 80; i++) {
            double z = r.nextGaussian();
            sb.append(z).append(',').append(2 * z + 0.1 * r.nextGaussian()).append(',')
                    .append(r.nextGaussian()).append('\n');
        }
        Files.writeString(csv, sb.toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(
                List.of(
                        "train", "--input", csv.toString(), "--model",
                        dir.resolve("m.vae").toString(), "--epochs", "2", "--hidden", "8",
                        "--latent", "2", "--json"));
        Process p =
                new ProcessBuilder(cmd)
                        .redirectError(dir.resolve("stderr.txt").toFile())
                        .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
        String stdout = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue())
                .as("stdout %s%nstderr %s", stdout, Files.readString(dir.resolve("stderr.txt")))
                .isZero();
        String[] lines = stdout.strip().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(json.get("kernel").asText()).isEqualTo("vector");
        assertThat(json.get("epochs").asInt()).isEqualTo(2);
        assertThat(json.get("epoch_budget").asInt()).isEqualTo(2);
    }
}
