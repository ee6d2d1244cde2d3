package io.vaeanomaly.testutils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed TLS identity for a loopback broker, made for one test run with the JDK's
 * {@code keytool}: a PKCS12 keystore (EC P-256 key, certificate for 127.0.0.1 and localhost,
 * valid two days) and a PKCS12 truststore holding that certificate. Passwords are random, so a
 * test can search logs and outputs for them.
 */
public final class TlsMaterial {
    private final Path keystore;
    private final String keystorePassword;
    private final Path truststore;
    private final String truststorePassword;

    private TlsMaterial(Path keystore, String keystorePassword, Path truststore,
            String truststorePassword) {
        this.keystore = keystore;
        this.keystorePassword = keystorePassword;
        this.truststore = truststore;
        this.truststorePassword = truststorePassword;
    }

    /** Generates the keystore and truststore in {@code dir}. */
    public static TlsMaterial generate(Path dir) {
        Path keystore = dir.resolve("broker-keystore.p12");
        Path cert = dir.resolve("broker.crt");
        Path truststore = dir.resolve("truststore.p12");
        String keyPass = randomSecret("ks");
        String trustPass = randomSecret("ts");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", keyPass, "-keypass", keyPass);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(),
                "-storepass", keyPass, "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker-ca", "-file", cert.toString(),
                "-storetype", "PKCS12", "-keystore", truststore.toString(),
                "-storepass", trustPass);
        return new TlsMaterial(keystore, keyPass, truststore, trustPass);
    }

    /** A random secret such as {@code ks-3f9c...} (24 hex digits after the prefix). */
    public static String randomSecret(String prefix) {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return prefix + "-" + HexFormat.of().formatHex(b);
    }

    public Path keystore() {
        return keystore;
    }

    public String keystorePassword() {
        return keystorePassword;
    }

    public Path truststore() {
        return truststore;
    }

    public String truststorePassword() {
        return truststorePassword;
    }

    /**
     * Pieces of the broker's private key as they could appear in text: its Base64 encoding in
     * slices of 24 characters (so a partial dump is found too) and the PEM header.
     */
    public List<String> privateKeyFragments() {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, keystorePassword.toCharArray());
            PrivateKey key = (PrivateKey) ks.getKey("broker", keystorePassword.toCharArray());
            String b64 = Base64.getEncoder().encodeToString(key.getEncoded());
            List<String> out = new ArrayList<>();
            for (int i = 0; i + 24 <= b64.length(); i += 24) {
                out.add(b64.substring(i, i + 24));
            }
            out.add("PRIVATE KEY-----");
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + keystore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key in " + keystore, e);
        }
    }

    private static void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                // The arguments hold passwords: report the command name and output only.
                throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running keytool", e);
        }
    }
}
