package io.tributary.catalog.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.model.ModelJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The job definitions' rows in {@code tributary_job_definitions}: one document per version. */
final class JobDefinitionRows {

    private JobDefinitionRows() {}

    static void create(Statement s, String text) throws SQLException {
        s.execute(
                "CREATE TABLE IF NOT EXISTS tributary_job_definitions (pipeline VARCHAR(1024) NOT"
                        + " NULL, version INT NOT NULL, hash VARCHAR(64) NOT NULL, stored_ms BIGINT"
                        + " NOT NULL, doc "
                        + text
                        + " NOT NULL, PRIMARY KEY (pipeline, version))");
    }

    static JobDefinition put(Connection c, String pipeline, String file, String text)
            throws SQLException {
        Optional<JobDefinition> latest = find(c, pipeline, 0);
        JobDefinition d = new JobDefinition(pipeline, 0, null, Instant.now(), file, text);
        if (latest.isPresent() && latest.get().hash().equals(d.hash())) {
            return latest.get();
        }
        JobDefinition next =
                new JobDefinition(
                        pipeline,
                        latest.map(JobDefinition::version).orElse(0) + 1,
                        d.hash(),
                        d.stored(),
                        file,
                        text);
        try (PreparedStatement i =
                c.prepareStatement(
                        "INSERT INTO tributary_job_definitions (pipeline, version, hash,"
                                + " stored_ms, doc) VALUES (?, ?, ?, ?, ?)")) {
            i.setString(1, pipeline);
            i.setInt(2, next.version());
            i.setString(3, next.hash());
            i.setLong(4, next.stored().toEpochMilli());
            i.setString(5, doc(next).toString());
            i.executeUpdate();
        }
        return next;
    }

    static Optional<JobDefinition> find(Connection c, String pipeline, int version)
            throws SQLException {
        String sql =
                version > 0
                        ? "SELECT doc FROM tributary_job_definitions WHERE pipeline = ? AND"
                                + " version = ?"
                        : "SELECT doc FROM tributary_job_definitions WHERE pipeline = ? ORDER BY"
                                + " version DESC";
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, pipeline);
            if (version > 0) {
                q.setInt(2, version);
            }
            q.setMaxRows(1);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(parse(rs.getString(1))) : Optional.empty();
            }
        }
    }

    static List<JobDefinition> all(Connection c, String pipeline) throws SQLException {
        List<JobDefinition> out = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement(
                        "SELECT doc FROM tributary_job_definitions WHERE pipeline = ? ORDER BY"
                                + " version")) {
            q.setString(1, pipeline);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(parse(rs.getString(1)));
                }
            }
        }
        return out;
    }

    private static ObjectNode doc(JobDefinition d) {
        ObjectNode n = ModelJson.MAPPER.createObjectNode();
        n.put("pipeline", d.pipeline());
        n.put("version", d.version());
        n.put("hash", d.hash());
        n.put("stored", d.stored().toString());
        n.put("file", d.file());
        n.put("text", d.text());
        return n;
    }

    private static JobDefinition parse(String doc) {
        try {
            JsonNode n = ModelJson.MAPPER.readTree(doc);
            return new JobDefinition(
                    n.get("pipeline").asText(),
                    n.get("version").asInt(),
                    n.get("hash").asText(),
                    Instant.parse(n.get("stored").asText()),
                    n.path("file").asText(null),
                    n.get("text").asText());
        } catch (JsonProcessingException e) {
            throw new CatalogException("A job definition is not valid JSON: " + e.getMessage(), e);
        }
    }
}
