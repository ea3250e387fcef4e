package io.tributary.connectors.s3;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.OperatorStateHandle;

/**
 * What a checkpoint (or savepoint) remembers of the tributary-s3 sources in a job: its bookmark.
 * For each source, the discovery state (greatest key listed, horizon, recent keys), the splits not
 * yet handed out, and every split a reader had in progress with its position.
 */
@Internal
public final class SourceBookmarks {

    /** SourceOperator keeps its readers' splits in the operator list state of this name. */
    private static final String READER_STATE = "SourceReaderState";

    /** One checkpoint's bookmarks. */
    public record Bookmark(
            long checkpointId, Instant taken, String location, List<SourceBookmark> sources) {}

    /** One source's bookmark. */
    public record SourceBookmark(
            String operatorId, S3EnumeratorState discovery, List<S3FileSplit> inProgress) {}

    private SourceBookmarks() {}

    /**
     * The checkpoint at {@code dir}: a checkpoint or savepoint folder (holding {@code _metadata}),
     * or a job's checkpoint folder, whose latest completed checkpoint is taken.
     */
    public static Bookmark read(Path dir) throws IOException {
        Path chk = resolve(dir);
        Path metadata = chk.resolve("_metadata");
        CheckpointMetadata md;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(metadata))) {
            md =
                    Checkpoints.loadCheckpointMetadata(
                            in, SourceBookmarks.class.getClassLoader(), chk.toUri().toString());
        }
        List<SourceBookmark> sources = new ArrayList<>();
        for (OperatorState op : md.getOperatorStates()) {
            Optional<S3EnumeratorState> discovery = discovery(op);
            if (discovery.isEmpty()) {
                continue;
            }
            List<S3FileSplit> splits = new ArrayList<>();
            for (OperatorSubtaskState subtask : op.getStates()) {
                for (OperatorStateHandle h : subtask.getManagedOperatorState()) {
                    splits.addAll(readerSplits(h));
                }
            }
            sources.add(
                    new SourceBookmark(op.getOperatorID().toHexString(), discovery.get(), splits));
        }
        return new Bookmark(
                md.getCheckpointId(),
                Files.getLastModifiedTime(metadata).toInstant(),
                chk.toString(),
                sources);
    }

    /** A checkpoint folder, or the newest completed {@code chk-N} under a job's folder. */
    static Path resolve(Path dir) throws IOException {
        if (Files.exists(dir.resolve("_metadata"))) {
            return dir;
        }
        List<Retained> all = retained(dir);
        if (all.isEmpty()) {
            throw new IOException(
                    dir
                            + " holds no completed checkpoint (a chk-N folder with _metadata) and is not one");
        }
        return all.get(all.size() - 1).dir();
    }

    /** A job's retained checkpoint: its id, when it completed, its folder. */
    public record Retained(long id, Instant taken, Path dir) {}

    /**
     * A job's completed checkpoints ({@code chk-N} folders with {@code _metadata}), oldest first.
     */
    public static List<Retained> retained(Path jobDir) throws IOException {
        if (!Files.isDirectory(jobDir)) {
            throw new IOException(jobDir + " is not a job's checkpoint folder");
        }
        List<Retained> out = new ArrayList<>();
        try (Stream<Path> children = Files.list(jobDir)) {
            for (Path p : (Iterable<Path>) children::iterator) {
                String name = p.getFileName().toString();
                Path md = p.resolve("_metadata");
                if (name.matches("chk-\\d+") && Files.exists(md)) {
                    out.add(
                            new Retained(
                                    Long.parseLong(name.substring(4)),
                                    Files.getLastModifiedTime(md).toInstant(),
                                    p));
                }
            }
        }
        out.sort(Comparator.comparingLong(Retained::id));
        return out;
    }

    /** A job's newest completed checkpoint; empty when the folder or a checkpoint is missing. */
    public static Optional<Retained> latest(Path jobDir) throws IOException {
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        List<Retained> all = retained(jobDir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The coordinator state, when it is a tributary-s3 enumerator's. */
    private static Optional<S3EnumeratorState> discovery(OperatorState op) {
        if (op.getCoordinatorState() == null) {
            return Optional.empty();
        }
        try (DataInputStream in =
                new DataInputStream(new ByteArrayInputStream(op.getCoordinatorState().getData()))) {
            in.readInt(); // the source coordinator's own format version
            int version = in.readInt();
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return Optional.of(new S3EnumeratorStateSerializer().deserialize(version, bytes));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // another kind of source
        }
    }

    private static List<S3FileSplit> readerSplits(OperatorStateHandle h) throws IOException {
        OperatorStateHandle.StateMetaInfo info =
                h.getStateNameToPartitionOffsets().get(READER_STATE);
        List<S3FileSplit> out = new ArrayList<>();
        if (info == null) {
            return out;
        }
        try (FSDataInputStream in = h.openInputStream()) {
            for (long offset : info.getOffsets()) {
                in.seek(offset);
                DataInputViewStreamWrapper view = new DataInputViewStreamWrapper((InputStream) in);
                byte[] element = new byte[view.readInt()];
                view.readFully(element);
                out.add(
                        SimpleVersionedSerialization.readVersionAndDeSerialize(
                                S3FileSplitSerializer.INSTANCE, element));
            }
        }
        return out;
    }
}
