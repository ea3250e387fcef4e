package io.tributary.jobs.definition;

/** Where a definition came from in its pipeline file: the file, a 1-based line, the key path. */
public record Position(String file, int line, String key) {

    /** The position of a key under this one, on {@code line}. */
    public Position child(String name, int atLine) {
        return new Position(file, atLine, key.isEmpty() ? name : key + "." + name);
    }
}
