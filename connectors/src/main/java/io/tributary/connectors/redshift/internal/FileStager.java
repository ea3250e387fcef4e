package io.tributary.connectors.redshift.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.table.data.RowData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a checkpoint's rows as one file under the staging prefix, through Flink's file systems so
 * the same code reaches AWS, S3-compatible servers and local disks: CSV for Redshift (its COPY
 * reads it from S3), PostgreSQL's binary COPY format for PostgreSQL ({@link StagedRows}). Gzip'd
 * for Redshift and on S3; plain on a local or mounted file system.
 */
@Internal
public final class FileStager implements Stager {

    private static final Logger LOG = LoggerFactory.getLogger(FileStager.class);

    private final SinkSpec spec;
    private final Path dir;
    private final String prefix;

    private final boolean gzip;

    public FileStager(SinkSpec spec, String jobId, int subtask) {
        this.spec = spec;
        this.prefix = Stager.stagePrefix(jobId, spec.sinkName(), subtask);
        this.dir = new Path(spec.stagingPath().orElseThrow(), jobId);
        this.gzip = gzipped(spec);
    }

    /** Whether staged files of this sink are gzip'd (Redshift, or any s3:// staging). */
    public static boolean gzipped(SinkSpec spec) {
        return spec.dialect().name().equals("redshift")
                || spec.stagingPath().map(p -> p.startsWith("s3")).orElse(false);
    }

    /** The manifest written next to a staged file. */
    public static String manifestOf(String stagedFile) {
        return stagedFile + ".manifest";
    }

    @Override
    public Batch open(long checkpointId) throws IOException {
        StagedRows rows = StagedRows.of(spec);
        Path file = new Path(dir, prefix + checkpointId + rows.extension() + (gzip ? ".gz" : ""));
        FileSystem fs = file.getFileSystem();
        OutputStream raw = fs.create(file, FileSystem.WriteMode.OVERWRITE);
        OutputStream out =
                gzip
                        ? new GZIPOutputStream(raw, 64 * 1024)
                        : new BufferedOutputStream(raw, 64 * 1024);
        rows.start();
        return new Batch() {
            @Override
            public int add(RowData row, char op, long seq) throws IOException {
                int bytes = rows.add(row, op, seq);
                if (rows.length() >= spec.bufferBytes()) {
                    rows.drainTo(out);
                }
                return bytes;
            }

            @Override
            public String finish() throws IOException {
                rows.end();
                rows.drainTo(out);
                out.close();
                return file.toString();
            }

            @Override
            public void abort() {
                try {
                    out.close();
                    fs.delete(file, false);
                } catch (IOException e) {
                    LOG.debug("Could not delete {} on abort", file, e);
                }
            }
        };
    }

    /** Whether a staged file holds PostgreSQL's binary COPY format (else CSV), by its name. */
    public static boolean binary(String stagedFile) {
        return stagedFile.endsWith(".pgcopy") || stagedFile.endsWith(".pgcopy.gz");
    }

    @Override
    public void removeOrphans(long restoredCheckpointId) throws IOException {
        FileSystem fs = dir.getFileSystem();
        if (!fs.exists(dir)) {
            return;
        }
        for (FileStatus status : fs.listStatus(dir)) {
            String name = status.getPath().getName();
            if (name.startsWith(prefix)
                    && Stager.checkpointOf(
                                    name.replace(".gz", "")
                                            .replace(".csv", "")
                                            .replace(".pgcopy", ""))
                            > restoredCheckpointId) {
                fs.delete(status.getPath(), false);
                LOG.info(
                        "Deleted staged file of an attempt that never checkpointed: {}",
                        status.getPath());
            }
        }
    }

    @Override
    public void close() {}
}
