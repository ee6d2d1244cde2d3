package io.vaeanomaly.eval.nab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaeanomaly.io.InputFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** NAB's three standard profiles, and a loader for {@code config/profiles.json}. */
public final class NabProfiles {
    /** {@code standard}: tp 1.0, fp 0.11, fn 1.0. */
    public static final NabProfile STANDARD = new NabProfile("standard", 1.0, 0.11, 1.0);
    /** {@code reward_low_FP_rate}: tp 1.0, fp 0.22, fn 1.0. */
    public static final NabProfile REWARD_LOW_FP_RATE =
            new NabProfile("reward_low_FP_rate", 1.0, 0.22, 1.0);
    /** {@code reward_low_FN_rate}: tp 1.0, fp 0.11, fn 2.0. */
    public static final NabProfile REWARD_LOW_FN_RATE =
            new NabProfile("reward_low_FN_rate", 1.0, 0.11, 2.0);

    private NabProfiles() {}

    /** The three standard profiles in NAB's reporting order. */
    public static List<NabProfile> defaults() {
        return List.of(STANDARD, REWARD_LOW_FP_RATE, REWARD_LOW_FN_RATE);
    }

    /**
     * Reads NAB's {@code profiles.json}: an object mapping each profile name to
     * {@code {"CostMatrix": {"tpWeight": .., "fpWeight": .., "fnWeight": .., ...}}}.
     *
     * @return the profiles in file order
     * @throws InputFormatException for a missing file, malformed JSON or a missing/bad weight
     */
    public static List<NabProfile> load(Path profilesJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(profilesJson.toFile());
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new InputFormatException(profilesJson, line, "invalid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InputFormatException(profilesJson, 0, Files.exists(profilesJson)
                    ? "cannot read: " + e.getMessage() : "file not found");
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new InputFormatException(profilesJson, 0,
                    "expected a non-empty JSON object of profiles");
        }
        List<NabProfile> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode cost = e.getValue().get("CostMatrix");
            if (cost == null || !cost.isObject()) {
                throw new InputFormatException(profilesJson, 0,
                        "profile '" + e.getKey() + "': missing object 'CostMatrix'");
            }
            try {
                out.add(new NabProfile(e.getKey(),
                        weight(profilesJson, e.getKey(), cost, "tpWeight"),
                        weight(profilesJson, e.getKey(), cost, "fpWeight"),
                        weight(profilesJson, e.getKey(), cost, "fnWeight")));
            } catch (IllegalArgumentException ex) {
                throw new InputFormatException(profilesJson, 0,
                        "profile '" + e.getKey() + "': " + ex.getMessage());
            }
        }
        return List.copyOf(out);
    }

    /** The profile named {@code name} in {@code profiles}, or {@code null}. */
    public static NabProfile find(List<NabProfile> profiles, String name) {
        for (NabProfile p : profiles) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    private static double weight(Path file, String profile, JsonNode cost, String field) {
        JsonNode v = cost.get(field);
        if (v == null || !v.isNumber()) {
            throw new InputFormatException(file, 0,
                    "profile '" + profile + "': CostMatrix." + field + " must be a number");
        }
        return v.asDouble();
    }
}
