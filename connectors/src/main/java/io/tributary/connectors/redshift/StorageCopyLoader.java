package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.internal.FileStager;
import io.tributary.connectors.redshift.internal.SinkSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * Staged files the warehouse reads itself (Redshift's COPY from S3 through a manifest): appends go
 * straight into the target, upserts through a temporary stage table.
 */
final class StorageCopyLoader implements StageLoader {

    private final SinkSpec spec;

    StorageCopyLoader(SinkSpec spec) {
        this.spec = spec;
    }

    @Override
    public Optional<String> load(
            Connection conn,
            Statement s,
            RedshiftCommittable c,
            Supplier<List<LogicalType>> stagedTypes)
            throws SQLException, IOException {
        StreamedCopyLoader.checkStaged(c);
        boolean changes = spec.stagesChanges();
        String relation = StreamedCopyLoader.relation(spec);
        if (changes) {
            s.execute(
                    spec.dialect()
                            .createTemporaryStage(
                                    relation,
                                    spec.dialect()
                                            .stagingColumns(c.columns(), stagedTypes.get(), true)));
        }
        String manifest = FileStager.manifestOf(c.stagedLocation());
        Path path = new Path(manifest);
        try (OutputStream out = path.getFileSystem().create(path, FileSystem.WriteMode.OVERWRITE)) {
            out.write(
                    spec.dialect()
                            .manifest(List.of(c.stagedLocation()))
                            .getBytes(StandardCharsets.UTF_8));
        }
        s.execute(
                spec.dialect()
                        .copyFromStorage(
                                relation,
                                c.columns(),
                                changes,
                                manifest,
                                spec.iamRole(),
                                spec.s3Region()));
        return changes ? Optional.of(relation) : Optional.empty();
    }

    @Override
    public void release(Statement s, RedshiftCommittable c, Optional<String> loaded)
            throws SQLException {
        if (loaded.isPresent()) {
            s.execute("DROP TABLE " + loaded.get());
        }
    }

    @Override
    public void discard(Connection conn, RedshiftCommittable c) throws IOException {
        afterCommit(c);
    }

    @Override
    public void afterCommit(RedshiftCommittable c) throws IOException {
        StreamedCopyLoader.delete(c.stagedLocation());
        StreamedCopyLoader.delete(FileStager.manifestOf(c.stagedLocation()));
    }
}
